"""Benchmark: latency (p50/p99) of typical directory searches at the demo size and at 10× the facilities.

    python -m bench.directory                      # embedded PostgreSQL under /tmp/vssid-bench
    python -m bench.directory --admin-dsn postgresql://postgres@localhost/postgres --runs 300

Each size gets its own database (migrated, reference data, seeded with db.seed.seed_database, analysed), kept
between runs. The figures are the SQL of one page (db/directory.py, as the resolver runs it) measured from the
client, so they include the round trip but not HTTP or GraphQL.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from db import directory as sql
from db.directory import FacilitySearch
from db.dsn import with_database
from db.embedded import EmbeddedPostgres
from db.migrate import apply_migrations
from db.reference import load_reference_data
from db.seed import seed_database

DEMO_FACILITIES = 13_000
PAGE = 20
CASES: dict[str, FacilitySearch] = {
    "search 'benh vien da khoa'": FacilitySearch(search="benh vien da khoa"),
    "search with a typo 'benh vien nhi trung uong'": FacilitySearch(search="benh vien nhi trung uon"),
    "search + province 01": FacilitySearch(search="tram y te", province_code="01"),
    "near Hà Nội, nearest 20": FacilitySearch(near=(21.0285, 105.8542)),
    "near HCMC within 5 km, hospitals": FacilitySearch(near=(10.7769, 106.7009), radius_m=5000, kinds=["HOSPITAL"]),
    "province 79 + BHYT + initial registration": FacilitySearch(
        province_code="79", bhyt_contracted=True, accepts_initial_registration=True
    ),
    "whole directory by code, page 1": FacilitySearch(),
}


async def prepare(admin_dsn: str, facilities: int) -> str:
    name = f"vssid_bench_{facilities}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        exists = await admin.fetchval("select true from pg_database where datname = $1", name)
        if not exists:
            await admin.execute(f'create database "{name}"')
    finally:
        await admin.close()
    dsn = with_database(admin_dsn, name)
    conn = await asyncpg.connect(dsn)
    try:
        seeded = await conn.fetchval("select to_regclass('facilities') is not null") and await conn.fetchval(
            "select count(*) from facilities"
        )
        if not seeded:
            print(f"seeding {facilities} facilities …", flush=True)
            await apply_migrations(conn)
            await load_reference_data(conn)
            async with conn.transaction():
                await seed_database(conn, persons=100, seed=1, facilities=facilities, progress=False)
            await conn.execute("analyze")
    finally:
        await conn.close()
    return dsn


async def timed(run: Callable[[], Awaitable[Any]], runs: int) -> tuple[float, float]:
    await run()  # warm the plan and the cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


async def measure(dsn: str, runs: int) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"jit": "off"})
    try:
        total = await conn.fetchval("select count(*) from facilities")
        print(f"\n{total} facilities")
        print(f"{'case':48} {'rows':>5} {'p50 ms':>8} {'p99 ms':>8}")
        for label, search in CASES.items():

            async def page(search: FacilitySearch = search) -> list[asyncpg.Record]:
                async with conn.transaction(readonly=True):
                    await sql.use_search_threshold(conn)
                    return await sql.search_facilities(conn, search, None, PAGE + 1)

            rows = len(await page())
            p50, p99 = await timed(page, runs)
            print(f"{label:48} {rows:>5} {p50:>8.2f} {p99:>8.2f}")
        deep = await conn.fetchval("select code from facilities order by code offset $1 limit 1", total // 2)

        async def deep_page() -> list[asyncpg.Record]:
            return await sql.search_facilities(conn, FacilitySearch(), (deep,), PAGE + 1)

        p50, p99 = await timed(deep_page, runs)
        print(f"{'whole directory by code, a page in the middle':48} {PAGE + 1:>5} {p50:>8.2f} {p99:>8.2f}")
    finally:
        await conn.close()


async def main(admin_dsn: str, runs: int) -> None:
    for facilities in (DEMO_FACILITIES, DEMO_FACILITIES * 10):
        await measure(await prepare(admin_dsn, facilities), runs)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin-dsn", help="a superuser DSN; default: an embedded server under --data-dir")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "vssid-bench")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if args.admin_dsn:
        asyncio.run(main(args.admin_dsn, args.runs))
        return
    with EmbeddedPostgres(args.data_dir / "postgres") as server:
        asyncio.run(main(server.uri("postgres"), args.runs))


if __name__ == "__main__":
    cli()
