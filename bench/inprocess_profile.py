"""CPU per request of one contract document in process, and where it goes (cProfile), for this checkout.

    .venv/bin/python bench/inprocess_profile.py [--document Home|MedicalHistory] [--requests 500] [--profile]
        [--executor planned|reference] [--persons 10000]

Starts the bench's PostgreSQL (seeded once, as bench/run.py does), opens sessions for 200 persons, and sends the
document to the app through httpx's ASGI transport, `--requests` times after 100 of warm-up; prints the process's
CPU milliseconds per request (the client's work included, the database's not). With `--profile`, cProfile runs
around the measured requests (it slows them about twofold) and the own time is printed by package, then the top
functions; the raw profile goes to bench/results/.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: the project instead of bench/ first on the path (bench/profile.py would shadow the
    # standard library's `profile`, which cProfile imports).
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import collections
import cProfile
import pstats
import time

import httpx

from bench.contenders import ROOT
from bench.database import BenchServer, ensure_seeded, make_sessions
from bench.profile import RESULTS_DIR
from core.settings import load_settings
from service.app import create_app

WARM_UP = 100
SESSIONS = 200
VARIABLES = {"Home": None, "MedicalHistory": {"first": 20}}


def package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/", maxsplit=1)[0]
    if filename.startswith(str(ROOT)):
        return "app:" + Path(filename).relative_to(ROOT).parts[0]
    if "/lib/python3" in filename:
        return "stdlib:" + filename.split("/lib/python3")[1].split("/", 2)[-1].split("/", maxsplit=1)[0]
    return "built-in"


def summary(stats: pstats.Stats) -> str:
    by_package: collections.Counter[str] = collections.Counter()
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        key = package(filename)
        by_package[name if key == "built-in" and "method" in name else key] += own
    total = sum(by_package.values())
    return "\n".join(f"  {100 * own / total:5.1f} %  {name}" for name, own in by_package.most_common(20))


async def measure(dsn: str, tokens: list[str], args: argparse.Namespace) -> None:
    document = (ROOT / "contract" / "mobile" / f"{args.document}.graphql").read_text(encoding="utf-8")
    body = {"query": document, "variables": VARIABLES[args.document]}
    env = {"DATABASE_URL": dsn, "VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0",
           "VSSID_EXECUTOR": args.executor}
    app = create_app(load_settings(env), dsn)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://b") as http:

        async def one(i: int) -> None:
            headers = {"Authorization": "Bearer " + tokens[i % len(tokens)]}
            response = await http.post("/graphql", json=body, headers=headers)
            if response.status_code != 200 or b'"errors"' in response.content:
                sys.exit("unexpected answer: " + response.text[:300])

        for i in range(WARM_UP):
            await one(i)
        profiler = cProfile.Profile() if args.profile else None
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        for i in range(args.requests):
            await one(i)
        if profiler is not None:
            profiler.disable()
        cpu = (time.process_time() - started) * 1000 / args.requests
    print(f"{args.document}, {args.executor}: {cpu:.2f} ms CPU per request", flush=True)
    if profiler is not None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"inprocess-{args.document}-{args.executor}.prof"
        profiler.dump_stats(path)
        stats = pstats.Stats(str(path))
        print("own time by package:\n" + summary(stats))
        stats.sort_stats("tottime").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", choices=sorted(VARIABLES), default="Home")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--executor", choices=("planned", "reference"), default="planned")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--persons", type=int, default=10_000)
    args = parser.parse_args()
    with BenchServer() as server:
        dsn = ensure_seeded(server, args.persons)
        tokens = [person.token for person in asyncio.run(make_sessions(dsn, SESSIONS))]
        asyncio.run(measure(dsn, tokens, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
