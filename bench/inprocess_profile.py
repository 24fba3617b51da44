"""CPU per request of one contract document in process, and where it goes (cProfile), for this checkout.

    .venv/bin/python bench/inprocess_profile.py [--document Home|MedicalHistory|Me|Directory] [--requests 500]
        [--profile] [--executor planned|reference] [--persons 10000] [--direct [--rounds 3]]

Starts the bench's PostgreSQL (seeded once, as bench/run.py does), opens sessions for 200 persons, and sends the
document to the app through httpx's ASGI transport, `--requests` times after a warm-up of one request per session
(the viewer hints and shared reference rows then as warm as under load); prints the process's CPU milliseconds per
request (the client's work included, the database's not). With `--profile`, cProfile runs around the measured
requests (it slows them about twofold) and the own time is printed by package, then the top functions; the raw
profile goes to bench/results/.

`--direct` leaves the HTTP client out: the app is called with ASGI messages written once, on uvloop, with the
collector tuned as a worker tunes it, so the figure is the app's own CPU per request (no HTTP parsing either:
uvicorn adds about 0.2 ms under load); it prints the best of `--rounds` rounds. `Me` is `query Me { me { fullName
} }`: what every request costs whatever its document. `--raw` measures bench/raw_asyncpg.py's endpoint the same
way (Home or MedicalHistory): the same answer without GraphQL. `--query TEXT` sends a document of one's own
instead (without variables), e.g. a part of Home, to see what each part costs. `Directory` (with `--direct`)
sends the directory search as bench/run.py does, under 64 partner keys.
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
import json
import pstats
import time
from typing import Any

import httpx
import uvloop

from bench.contenders import ROOT, cpu_seconds, postmaster_pid
from bench.database import BENCH_DIR, BenchServer, ensure_seeded, make_sessions
from bench.profile import RESULTS_DIR
from bench.raw_asyncpg import create_raw_app
from bench.workload import directory_requests
from core.settings import load_settings
from service.app import create_app, tune_collector

SESSIONS = 200
# Every session once before measuring: under load (bench/run.py, 3,000 sessions) the worker's viewer hints and shared
# reference rows (facilities, diagnoses) are warm after the first seconds, and so they are here.
WARM_UP = SESSIONS
VARIABLES = {"Home": None, "MedicalHistory": {"first": 20}, "Me": None}
# The directory search as bench/run.py sends it (public/Facilities.graphql, a search text and `near`, 20 a page),
# each request under one of 64 partner keys: no session, a rate-limit budget spent (--direct only).
DIRECTORY = "Directory"
ME = "query Me { me { fullName } }"
RAW_PATHS = {"Home": "/home", "MedicalHistory": "/history"}


def _name(args: argparse.Namespace) -> str:
    """What the figures are of: the contract document's name, or "query" for a document given with --query."""
    return "query" if args.query is not None else str(args.document)


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
    if args.document == DIRECTORY:
        requests = [
            ([(name.lower().encode(), value.encode()) for name, value in r.headers.items()], r.body.encode())
            for r in await directory_requests(dsn)
        ]
        await measure_direct(dsn, requests, args)
        return
    if args.query is not None:  # a document of one's own, no variables: a part of Home, say
        document, variables = args.query, None
    elif args.document == "Me":
        document, variables = ME, None
    else:
        document = (ROOT / "contract" / "mobile" / f"{args.document}.graphql").read_text(encoding="utf-8")
        variables = VARIABLES[args.document]
    body = {"query": document, "variables": variables}
    if args.direct:
        encoded = json.dumps(body).encode()
        bearers = [([(b"authorization", f"Bearer {token}".encode())], encoded) for token in tokens]
        await measure_direct(dsn, bearers, args)
        return
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
    print(f"{_name(args)}, {args.executor}: {cpu:.2f} ms CPU per request", flush=True)
    if profiler is not None:
        report(profiler, f"{_name(args)}-{args.executor}")


def report(profiler: cProfile.Profile, name: str) -> None:
    """The profile's own time by package, then its top functions; the raw profile goes to bench/results/."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"inprocess-{name}.prof"
    profiler.dump_stats(path)
    stats = pstats.Stats(str(path))
    print("own time by package:\n" + summary(stats))
    stats.sort_stats("tottime").print_stats(25)


Headers = list[tuple[bytes, bytes]]


async def measure_direct(dsn: str, requests: list[tuple[Headers, bytes]], args: argparse.Namespace) -> None:
    """`requests`: each request's own headers (a token, a partner key) and body, sent in turn."""
    env = {"DATABASE_URL": dsn, "VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0",
           "VSSID_EXECUTOR": args.executor}
    app = create_raw_app(dsn) if args.raw else create_app(load_settings(env), dsn)
    path = RAW_PATHS[args.document] if args.raw else "/graphql"
    async with app.router.lifespan_context(app):
        tune_collector()
        common = [(b"host", b"bench"), (b"content-type", b"application/json"), (b"accept", b"application/json")]
        scopes = [
            {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [*common, (b"content-length", str(len(body)).encode()), *own],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000), "app": app}
            for own, body in requests
        ]
        bodies = [body for _, body in requests]

        async def one(i: int) -> None:
            received = False

            async def receive() -> dict[str, Any]:
                nonlocal received
                if received:  # the client stays connected until the answer is sent
                    await asyncio.Event().wait()
                received = True
                return {"type": "http.request", "body": bodies[i % len(bodies)], "more_body": False}

            sent: list[dict[str, Any]] = []

            async def send(message: dict[str, Any]) -> None:
                sent.append(message)

            await app(dict(scopes[i % len(scopes)]), receive, send)
            answer = b"".join(m.get("body", b"") for m in sent[1:])
            if sent[0]["status"] != 200 or b'"errors"' in answer:
                sys.exit("unexpected answer: " + answer[:300].decode(errors="replace"))

        for i in range(WARM_UP):
            await one(i)
        async def worker(start: int) -> None:
            for i in range(start, args.requests, args.concurrency):
                await one(i)

        rounds, database = [], []
        db_pid = postmaster_pid(BENCH_DIR / "postgres")
        for _ in range(args.rounds):
            started, db_started = time.process_time(), cpu_seconds(db_pid)
            await asyncio.gather(*(worker(k) for k in range(args.concurrency)))
            rounds.append((time.process_time() - started) * 1000 / args.requests)
            database.append((cpu_seconds(db_pid) - db_started) * 1000 / args.requests)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for i in range(args.requests):
                await one(i)
            profiler.disable()
            report(profiler, f"direct-{_name(args)}-{'raw' if args.raw else args.executor}")
    listed = ", ".join(f"{r:.3f}" for r in rounds)
    executor = "raw endpoint" if args.raw else args.executor
    print(f"{_name(args)}, {executor}, direct: {min(rounds):.3f} ms CPU per request (rounds {listed}); "
          f"PostgreSQL {min(database):.3f} ms (rounds {', '.join(f'{d:.3f}' for d in database)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", choices=sorted([*VARIABLES, DIRECTORY]), default="Home")
    parser.add_argument("--query", help="send this document (no variables) instead of --document's")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--executor", choices=("planned", "reference"), default="planned")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--direct", action="store_true", help="no HTTP client: ASGI messages, on uvloop")
    parser.add_argument("--raw", action="store_true", help="with --direct: bench/raw_asyncpg.py's endpoint instead")
    parser.add_argument("--rounds", type=int, default=3, help="with --direct: the best of this many")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="with --direct: requests in flight at once (16: as wrk -c16 sends)"
    )
    args = parser.parse_args()
    with BenchServer() as server:
        dsn = ensure_seeded(server, args.persons)
        tokens = [person.token for person in asyncio.run(make_sessions(dsn, SESSIONS))]
        if args.raw and (not args.direct or args.document not in RAW_PATHS):
            sys.exit("--raw takes --direct, and Home or MedicalHistory")
        if args.document == DIRECTORY and (not args.direct or args.query is not None):
            sys.exit("--document Directory takes --direct (and no --query)")
        if args.direct:
            uvloop.run(measure(dsn, tokens, args))
        else:
            asyncio.run(measure(dsn, tokens, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
