"""The benchmark suite: this service against PostGraphile v5 and against raw asyncpg, on the same database.

    .venv/bin/python bench/run.py --persons 10000 [--duration 20] [--only home,history] [--contenders a,b]
    .venv/bin/python bench/run.py --persons 10000,1000000 --contenders service-uvicorn-1w --only home
    .venv/bin/python bench/run.py --persons 10000 --profile service-uvicorn-1w --only home
    .venv/bin/python bench/run.py --only home --baseline HEAD~1 \
        --contenders baseline-uvicorn-1w,service-uvicorn-1w,baseline-uvicorn-1w,service-uvicorn-1w

For each size it seeds (once; reused later) an embedded PostgreSQL under .bench/, opens sessions for random
persons, applies the PostGraphile role and row-level security (bench/postgraphile/rls.sql), then starts each
contender in turn, warms it up, and drives every document with wrk. It prints requests/s, p50, p99, errors and
the peak RSS of the contender's processes, then the ratios. Results are also written to bench/results/.
A before/after comparison names a git revision with --baseline: that revision's service runs from a worktree of its
own under .bench/worktrees, against the same database, beside the checkout's.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.contenders import (
    NODE_BIN,
    PGL_DIR,
    ROOT,
    Contender,
    Memory,
    Running,
    all_contenders,
    cpu_seconds,
    post,
    postmaster_pid,
)
from bench.database import BENCH_DIR, BenchServer, ensure_seeded, make_sessions
from bench.load import LoadResult, run_wrk
from bench.profile import profile_during
from bench.workload import DOCUMENTS, RESET_CARD_BUDGETS, Workload, build_workload, prepare_database

# Planned, reference (graphql-core forced), PostGraphile and raw side by side, as issue 12 asks of every run.
DEFAULT_CONTENDERS = "service-uvicorn-1w,service-reference-1w,service-uvicorn-2w,postgraphile,raw-1w,raw-2w"
RESULTS_DIR = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_postgraphile() -> None:
    if (NODE_BIN / "node").exists() and (PGL_DIR / "node_modules" / "postgraphile").exists():
        return
    print("installing PostGraphile v5 and Node 22 (npm ci in bench/postgraphile) …", file=sys.stderr, flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PGL_DIR, check=True)  # noqa: S607


def contender_env(contender: Contender, dsn: str, pg_dsn: str, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "VSSID_HOST": "127.0.0.1",
        "VSSID_PORT": str(port),
        "VSSID_LOG_LEVEL": "WARNING",
        "BENCH_PG_DSN": pg_dsn,
        "PORT": str(port),
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
        **contender.env,
    }
    env["PATH"] = f"{NODE_BIN}:{env.get('PATH', '')}"
    return env


def check_answers(running: Running, workload: Workload, document: str) -> str:
    """Send a sample of the run's requests one by one; every answer must be 200 and free of GraphQL errors."""
    requests = workload.requests(running.contender.kind, document)
    empty = 0
    for request in requests[:: max(1, len(requests) // 25)][:25]:
        body = post(running.url + request.path, request.body.encode(), request.headers)
        decoded = json.loads(body)
        if "errors" in decoded:
            raise RuntimeError(f"{running.contender.name} {document}: {body[:400]!r}")
        data = decoded.get("data") or {}
        empty += all(value is None for value in data.values())
    return f"{empty} empty answers of the sample" if empty else "sample ok"


@dataclasses.dataclass
class Row:
    persons: int
    contender: str
    document: str
    result: LoadResult
    app_cpu_ms: float  # CPU time of the contender's processes per request
    db_cpu_ms: float  # CPU time of the PostgreSQL server per request
    memory: Memory | None = None


async def reset_card_budgets(dsn: str) -> None:
    """A fresh card-check budget for every key and card: each turn measures checks answered, not refused."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(RESET_CARD_BUDGETS)
    finally:
        await conn.close()


def run_contender(
    contender: Contender, workload: Workload, documents: list[str], args: argparse.Namespace, rows: list[Row]
) -> None:
    port = free_port()
    log = RESULTS_DIR / f"{contender.name}.log"
    db_pid = postmaster_pid(BENCH_DIR / "postgres")
    running = Running(contender, port, contender_env(contender, workload.dsn, workload.pg_dsn, port), log)
    try:
        served = [d for d in documents if workload.requests(contender.kind, d)]
        if not served:
            return
        first = workload.requests(contender.kind, served[0])[0]
        running.wait_ready(lambda: bool(post(running.url + first.path, first.body.encode(), first.headers)))
        mine: list[Row] = []
        for document in served:
            try:
                if document == "card":
                    asyncio.run(reset_card_budgets(workload.dsn))
                for request in workload.before.get((contender.kind, document), []):
                    post(running.url + request.path, request.body.encode(), request.headers)
                note = check_answers(running, workload, document)
            except (RuntimeError, OSError, ValueError) as exc:
                print(f"  {contender.name:<32} {document:<10} skipped: {str(exc)[:300]}", flush=True)
                continue
            requests = workload.requests(contender.kind, document)
            run_wrk(running.url, requests, seconds=args.warmup, connections=args.connections)
            if document == "card":
                asyncio.run(reset_card_budgets(workload.dsn))
            cpu_before = cpu_seconds(running.process.pid), cpu_seconds(db_pid)
            with profile_during(running, args, document) as profile_note:
                result = run_wrk(running.url, requests, seconds=args.duration, connections=args.connections)
            app_cpu = cpu_seconds(running.process.pid) - cpu_before[0]
            db_cpu = cpu_seconds(db_pid) - cpu_before[1]
            per_request = 1000 / max(1, result.requests)
            row = Row(workload.persons, contender.name, document, result, app_cpu * per_request, db_cpu * per_request)
            mine.append(row)
            print_row(row, extra=f"{note}{profile_note()}")
        memory = running.memory()
        for row in mine:
            row.memory = memory
        print(
            f"    {contender.name}: {memory.processes} processes, peak RSS {memory.peak_total_mb:.0f} MB in all, "
            f"largest process {memory.peak_max_mb:.0f} MB",
            flush=True,
        )
        rows.extend(mine)
    finally:
        running.stop()


def print_row(row: Row, extra: str = "") -> None:
    r = row.result
    errors = f"{r.errors} errors" + (f" ({r.error_sample[:120]})" if r.error_sample else "")
    print(
        f"  {row.contender:<32} {row.document:<10} {r.rps:>8.1f} req/s  p50 {r.p50_ms:6.2f} ms  "
        f"p99 {r.p99_ms:7.2f} ms  CPU/req app {row.app_cpu_ms:5.2f} + db {row.db_cpu_ms:5.2f} ms  {errors}  [{extra}]",
        flush=True,
    )


def print_summary(rows: list[Row]) -> None:
    print(
        "\n| persons | contender | document | req/s | p50 ms | p99 ms | CPU ms/req app + db | errors | processes "
        "| peak RSS MB all / max |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        r, m = row.result, row.memory
        memory = f"{m.processes} | {m.peak_total_mb:.0f} / {m.peak_max_mb:.0f}" if m else "– | –"
        print(
            f"| {row.persons:,} | {row.contender} | {row.document} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {row.app_cpu_ms:.2f} + {row.db_cpu_ms:.2f} | {r.errors} of {r.requests:,} | {memory} |"
        )
    print("\nRatios of each service run against the other contenders, same size and document:")
    for row in rows:
        if not row.contender.startswith(("service", "serve")):
            continue
        for other in rows:
            same = other.persons == row.persons and other.document == row.document
            against = ("postgraphile", "raw", "service-reference")
            if same and other is not row and other.contender.startswith(against):
                rps = row.result.rps / other.result.rps if other.result.rps else float("nan")
                p99 = row.result.p99_ms / other.result.p99_ms if other.result.p99_ms else float("nan")
                cpu = (row.app_cpu_ms + row.db_cpu_ms) / max(1e-9, other.app_cpu_ms + other.db_cpu_ms)
                print(
                    f"  {row.persons:>9,} {row.document:<8} {row.contender} / {other.contender}: "
                    f"throughput {rps:.2f}×, p99 {p99:.2f}×, CPU per request (app + db) {cpu:.2f}×"
                )
    sizes = sorted({row.persons for row in rows})
    if len(sizes) > 1:
        print("\nScale (Home p50 at each size against the smallest):")
        for row in rows:
            base = next(
                (b for b in rows if b.persons == sizes[0] and b.contender == row.contender and b.document == "home"),
                None,
            )
            if row.document == "home" and base and row.persons != sizes[0]:
                print(
                    f"  {row.contender}: p50 {base.result.p50_ms:.2f} ms at {sizes[0]:,} → {row.result.p50_ms:.2f} "
                    f"ms at {row.persons:,} ({row.result.p50_ms / base.result.p50_ms:.2f}×)"
                )


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "unknown",
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "memory_gb": f"{memory_kb / 1024 / 1024:.1f}",
            "python": platform.python_version()}  # fmt: skip


def write_record(prefix: str, rows: Sequence[Any]) -> None:
    """The run's rows (dataclasses), its command and the machine, as `bench/results/<prefix>-<time>.json`."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"{prefix}-{stamp}.json"
    record = {"command": " ".join(sys.argv), "machine": machine(), "rows": [dataclasses.asdict(r) for r in rows]}
    out.write_text(json.dumps(record, indent=2, default=str))
    print(f"\nwrote {out.relative_to(ROOT)}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", default="10000", help="data set size(s), comma-separated (default 10000)")
    parser.add_argument("--duration", type=int, default=20, help="seconds of measured load per document")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=16, help="wrk keep-alive connections")
    parser.add_argument("--sessions", type=int, default=3000, help="persons with a session (one per request)")
    parser.add_argument("--only", default=",".join(DOCUMENTS), help=f"documents among {', '.join(DOCUMENTS)}")
    parser.add_argument("--contenders", default=DEFAULT_CONTENDERS, help=f"among {', '.join(all_contenders())}")
    parser.add_argument(
        "--baseline", default=None, help="a git revision: adds baseline-uvicorn-1w/-2w, the service as it was then"
    )
    parser.add_argument("--profile", default="", help="py-spy record this contender during its load")
    parser.add_argument("--profile-native", action="store_true", help="py-spy --native: C frames too (slower)")
    args = parser.parse_args(argv)
    args.sizes = [int(x) for x in args.persons.split(",")]
    args.documents = [d for d in args.only.split(",") if d]
    unknown = [d for d in args.documents if d not in DOCUMENTS]
    names = [c for c in args.contenders.split(",") if c]
    known = all_contenders(args.baseline)
    missing = [c for c in names if c not in known]
    if unknown or missing:
        parser.error(f"unknown: {', '.join(unknown + missing)}")
    args.chosen = [known[c] for c in names]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    if any(c.kind == "postgraphile" for c in args.chosen):
        ensure_postgraphile()
    print(f"machine: {machine()}", flush=True)
    rows: list[Row] = []
    with BenchServer() as server:
        for persons in args.sizes:
            dsn = ensure_seeded(server, persons)
            pg_dsn = asyncio.run(prepare_database(dsn))
            people = asyncio.run(make_sessions(dsn, args.sessions))
            workload = asyncio.run(build_workload(dsn, pg_dsn, persons, people))
            print(f"\n{persons:,} persons: {len(people):,} sessions; wrk -c{args.connections}, "
                  f"{args.warmup} s warm-up + {args.duration} s per document", flush=True)  # fmt: skip
            for contender in args.chosen:
                try:
                    run_contender(contender, workload, args.documents, args, rows)
                except RuntimeError as exc:
                    print(f"  {contender.name}: not measured: {exc}", flush=True)
    print_summary(rows)
    write_record("run", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
