"""CPU per Home request in-process (ASGI, no HTTP server, no wrk): this checkout against another git revision.

    .venv/bin/python bench/inprocess.py --baseline 33ee5b5 [--requests 1500] [--rounds 3] [--persons 10000]

Starts the bench's PostgreSQL (seeded once, as bench/run.py does), opens sessions for 200 persons, then runs, in
turn (first one, then the other first) and `--rounds` times each, a child process per revision that sends the Home
document `--requests` times to the app through httpx's ASGI transport and prints the CPU time of its own process
per request (the client's work included, the database's not). With less in the way than a load test, small
differences show.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.contenders import ROOT, baseline_worktree
from bench.database import BenchServer, ensure_seeded, make_sessions

HOME = (ROOT / "contract" / "mobile" / "Home.graphql").read_text(encoding="utf-8")
WARM_UP = 100
SESSIONS = 200


# The child: run with `python -c` in the revision's directory, so that its modules are the revision's own.
CHILD = """
import asyncio, json, os, sys, time
import httpx
from service.app import create_app
try:
    from core.settings import load_settings
except ImportError:  # a revision before issue 11
    from service.settings import load_settings

dsn, tokens, requests, home, warm_up = json.loads(os.environ["BENCH_INPROCESS"])

async def main():
    env = {"DATABASE_URL": dsn, "VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0"}
    app = create_app(load_settings(env), dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            async def one(i):
                headers = {"Authorization": "Bearer " + tokens[i % len(tokens)]}
                response = await http.post("/graphql", json={"query": home}, headers=headers)
                if response.status_code != 200 or b'"errors"' in response.content:
                    sys.exit("unexpected answer: " + response.text[:300])
            for i in range(warm_up):
                await one(i)
            started = time.process_time()
            for i in range(requests):
                await one(i)
            print((time.process_time() - started) * 1000 / requests)

asyncio.run(main())
"""


def child(path: Path, dsn: str, tokens: list[str], requests: int) -> float:
    """CPU milliseconds per Home request of a child process running the revision checked out at `path`."""
    settings = json.dumps([dsn, tokens, requests, HOME, WARM_UP])
    env = {**os.environ, "PYTHONPATH": str(path), "BENCH_INPROCESS": settings}
    result = subprocess.run(  # noqa: S603 - our own interpreter and program
        [sys.executable, "-c", CHILD], cwd=path, env=env, check=True, capture_output=True, text=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="the git revision to compare with")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--persons", type=int, default=10_000)
    args = parser.parse_args()
    revisions = {"after": ROOT, "before": baseline_worktree(args.baseline)}
    figures: dict[str, list[float]] = {name: [] for name in revisions}
    with BenchServer() as server:
        dsn = ensure_seeded(server, args.persons)
        tokens = [person.token for person in asyncio.run(make_sessions(dsn, SESSIONS))]
        for round_ in range(args.rounds):
            # ABBA: each revision runs first in half the rounds, so a machine getting busier or quieter favours none.
            order = list(revisions.items()) if round_ % 2 == 0 else list(reversed(revisions.items()))
            for name, path in order:
                figure = child(path, dsn, tokens, args.requests)
                figures[name].append(figure)
                print(f"{name:<7} {figure:.2f} ms CPU per Home request", flush=True)
    for name, values in figures.items():
        print(f"{name}: mean {sum(values) / len(values):.2f} ms over {len(values)} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
