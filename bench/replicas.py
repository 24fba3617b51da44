"""Load at scale on one machine: Home and MedicalHistory against the primary with 0, 1 and 2 streaming replicas.

    .venv/bin/python bench/replicas.py --persons 10000 [--replicas 0,1,2] [--duration 20] [--connections 16]

For each replica count it makes that many standbys of the bench server (pg_basebackup -R of .bench/postgres, each
on a port of its own; db/replica_server.py), starts the service (`--contender`, uvicorn with two workers by
default) with DATABASE_REPLICA_URLS, checks that its reads reach the replicas, drives each document with wrk, and
prints requests/s, p50, p99, errors, and CPU per request of the service, the primary and the replicas together: on a
machine of two cores every server shares the same two cores, so the figures show where the work goes rather than
what more machines would add. Results are written to bench/results/replicas-*.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.contenders import Running, all_contenders, cpu_seconds, post, postmaster_pid
from bench.database import BENCH_DIR, BenchServer, ensure_seeded, make_sessions
from bench.load import LoadResult, run_wrk
from bench.run import RESULTS_DIR, check_answers, contender_env, free_port, machine, write_record
from bench.workload import Workload, build_workload, prepare_database
from db.replica_server import StreamingReplica, wait_until_caught_up

FIRST_PORT = 5433


@dataclasses.dataclass
class Row:
    replicas: int
    document: str
    result: LoadResult
    app_cpu_ms: float
    primary_cpu_ms: float
    replicas_cpu_ms: float
    replica_share: float  # of the service's reads, as its /metrics counted them


def make_standbys(server: BenchServer, count: int, database_dsn: str) -> list[StreamingReplica]:
    standbys = []
    for n in range(1, count + 1):
        standby = StreamingReplica(server.admin_dsn(), BENCH_DIR / "replicas" / f"replica{n}", FIRST_PORT + n - 1)
        standby.stop()
        standby.create()
        standby.start()
        database = urlsplit(database_dsn).path.lstrip("/")
        asyncio.run(wait_until_caught_up(database_dsn, standby.dsn(database)))
        standbys.append(standby)
    return standbys


def replica_share(url: str) -> float:
    """The share of requests read on a replica, from one worker's /metrics (each worker counts its own)."""
    text = urllib.request.urlopen(url + "/metrics", timeout=5).read().decode()  # noqa: S310 - our own loopback
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("vssid_db_read_routes_total{"):
            route = line.split('route="', 1)[1].split('"', 1)[0]
            counts[route] = float(line.rsplit(" ", 1)[1])
    total = sum(counts.values())
    return counts.get("replica", 0.0) / total if total else 0.0


def measure(
    count: int, standbys: list[StreamingReplica], workload: Workload, args: argparse.Namespace
) -> list[Row]:
    contender = all_contenders()[args.contender]
    port = free_port()
    env = contender_env(contender, workload.dsn, workload.pg_dsn, port)
    database = urlsplit(workload.dsn).path.lstrip("/")
    env["DATABASE_REPLICA_URLS"] = ",".join(standby.dsn(database) for standby in standbys)
    running = Running(contender, port, env, RESULTS_DIR / f"replicas-{count}.log")
    primary_pid = postmaster_pid(BENCH_DIR / "postgres")
    replica_pids = [pid for pid in (standby.pid() for standby in standbys) if pid is not None]
    rows = []
    try:
        first = workload.requests("service", args.documents[0])[0]
        running.wait_ready(lambda: bool(post(running.url + first.path, first.body.encode(), first.headers)))
        for document in args.documents:
            note = check_answers(running, workload, document)
            requests = workload.requests("service", document)
            run_wrk(running.url, requests, seconds=args.warmup, connections=args.connections)
            before = cpu_seconds(running.process.pid), cpu_seconds(primary_pid), sum(map(cpu_seconds, replica_pids))
            result = run_wrk(running.url, requests, seconds=args.duration, connections=args.connections)
            after = cpu_seconds(running.process.pid), cpu_seconds(primary_pid), sum(map(cpu_seconds, replica_pids))
            per_request = 1000 / max(1, result.requests)
            spent = [(b - a) * per_request for a, b in zip(before, after, strict=True)]
            row = Row(count, document, result, *spent, replica_share(running.url))
            rows.append(row)
            print(
                f"  {count} replica(s) {document:<8} {result.rps:>8.1f} req/s  p50 {result.p50_ms:6.2f} ms  "
                f"p99 {result.p99_ms:7.2f} ms  CPU/req app {spent[0]:5.2f} + primary {spent[1]:5.2f} + replicas "
                f"{spent[2]:5.2f} ms  read on replicas {row.replica_share:.0%}  {result.errors} errors  [{note}]",
                flush=True,
            )
    finally:
        running.stop()
    return rows


def summary(rows: list[Row]) -> None:
    print("\n| replicas | document | req/s | vs 0 replicas | p50 ms | p99 ms | CPU ms/req app + primary + replicas "
          "| reads on replicas | errors |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        base = next((b for b in rows if b.replicas == 0 and b.document == row.document), None)
        ratio = f"{row.result.rps / base.result.rps:.2f}×" if base and base.result.rps else "–"
        r = row.result
        print(f"| {row.replicas} | {row.document} | {r.rps:,.0f} | {ratio} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
              f"{row.app_cpu_ms:.2f} + {row.primary_cpu_ms:.2f} + {row.replicas_cpu_ms:.2f} | "
              f"{row.replica_share:.0%} | {r.errors} of {r.requests:,} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=10_000, help="data set size (default 10000)")
    parser.add_argument("--replicas", default="0,1,2", help="replica counts to measure (default 0,1,2)")
    parser.add_argument("--only", default="home,history", help="documents (default home,history)")
    parser.add_argument("--contender", default="service-uvicorn-2w", help="how the service runs")
    parser.add_argument("--duration", type=int, default=20, help="seconds of measured load per document")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=16, help="wrk keep-alive connections")
    parser.add_argument("--sessions", type=int, default=3000, help="persons with a session (one per request)")
    args = parser.parse_args(argv)
    args.documents = [d for d in args.only.split(",") if d]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    rows: list[Row] = []
    with BenchServer() as server:
        dsn = ensure_seeded(server, args.persons)
        pg_dsn = asyncio.run(prepare_database(dsn))
        people = asyncio.run(make_sessions(dsn, args.sessions))
        workload = asyncio.run(build_workload(dsn, pg_dsn, args.persons, people))
        print(f"\n{args.persons:,} persons: {len(people):,} sessions; {args.contender}; wrk -c{args.connections}, "
              f"{args.warmup} s warm-up + {args.duration} s per document", flush=True)
        for count in (int(x) for x in args.replicas.split(",")):
            standbys = make_standbys(server, count, dsn)
            try:
                rows += measure(count, standbys, workload, args)
            finally:
                for standby in standbys:
                    standby.stop()
    summary(rows)
    write_record("replicas", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
