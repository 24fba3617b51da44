"""Benchmark: latency (p50/p99) of typical directory searches at the demo size and at 10× the facilities.

    python -m bench.directory                      # embedded PostgreSQL under /tmp/vssid-bench
    python -m bench.directory --admin-dsn postgresql://postgres@localhost/postgres --runs 300
    python -m bench.directory --plans              # work per page instead of time: statements, buffers

Each size gets its own database (migrated, reference data, seeded with seed.seed_database, analysed), kept
between runs. The figures are the SQL of one page (db/directory.py, as the resolver runs it) measured from the
client, so they include the round trip but not HTTP or GraphQL. With --plans, each search case's page is run
once more under EXPLAIN (ANALYZE, BUFFERS), statement by statement: the statements, shared buffers and server
time summed over the page do not depend on what else the machine runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from db import directory as sql
from db.dsn import with_database
from db.embedded import EmbeddedPostgres, ensure_database
from db.facility_search import FacilitySearch
from db.migrate import apply_migrations
from db.reference import load_reference_data
from seed import seed_database

DEMO_FACILITIES = 13_000
PAGE = 20
CASES: dict[str, FacilitySearch] = {
    "search 'benh vien da khoa'": FacilitySearch(search="benh vien da khoa"),
    "search with a typo 'benh vien nhi trung uong'": FacilitySearch(search="benh vien nhi trung uon"),
    "search + province 01": FacilitySearch(search="tram y te", province_code="01"),
    "search a named hospital 'benh vien bach mai'": FacilitySearch(search="benh vien bach mai"),
    "search with a transposition 'benh vein bach mai'": FacilitySearch(search="benh vein bach mai"),
    "search two words 'bach mai'": FacilitySearch(search="bach mai"),
    "search 'benh vien' near Hà Nội": FacilitySearch(search="benh vien", near=(21.0285, 105.8542)),
    "search 'benh vien bach mai' near HCMC": FacilitySearch(search="benh vien bach mai", near=(10.7769, 106.7009)),
    "near Hà Nội, nearest 20": FacilitySearch(near=(21.0285, 105.8542)),
    "near HCMC within 5 km, hospitals": FacilitySearch(near=(10.7769, 106.7009), radius_m=5000, kinds=["HOSPITAL"]),
    "province 79 + BHYT + initial registration": FacilitySearch(
        province_code="79", bhyt_contracted=True, accepts_initial_registration=True
    ),
    "whole directory by code, page 1": FacilitySearch(),
}


async def prepare(admin_dsn: str, facilities: int) -> str:
    name = f"vssid_bench_{facilities}"
    await ensure_database(admin_dsn, name)
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
            await conn.execute("vacuum analyze")
        elif await apply_migrations(conn):
            # A database kept from an earlier run gets the newer migrations (the figures before and after one).
            await conn.execute("vacuum analyze")
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
        print(f"{'case':52} {'rows':>5} {'p50 ms':>8} {'p99 ms':>8}")
        for label, search in CASES.items():

            async def page(search: FacilitySearch = search) -> list[asyncpg.Record]:
                async with conn.transaction(readonly=True):
                    return await sql.search_facilities(conn, search, None, PAGE + 1)

            rows = len(await page())
            p50, p99 = await timed(page, runs)
            print(f"{label:52} {rows:>5} {p50:>8.2f} {p99:>8.2f}")
        deep = await conn.fetchval("select code from facilities order by code offset $1 limit 1", total // 2)

        async def deep_page() -> list[asyncpg.Record]:
            return await sql.search_facilities(conn, FacilitySearch(), (deep,), PAGE + 1)

        p50, p99 = await timed(deep_page, runs)
        print(f"{'whole directory by code, a page in the middle':52} {PAGE + 1:>5} {p50:>8.2f} {p99:>8.2f}")
        # The sixth page of a common search, as the client asks it with the fifth page's last cursor.
        common = FacilitySearch(search="tram y te")
        async with conn.transaction(readonly=True):
            last = (await sql.search_facilities(conn, common, None, PAGE * 5))[-1]

        async def relevance_page() -> list[asyncpg.Record]:
            async with conn.transaction(readonly=True):
                return await sql.search_facilities(conn, common, (float(last["score"]), last["id"]), PAGE + 1)

        rows = len(await relevance_page())
        p50, p99 = await timed(relevance_page, runs)
        print(f"{'search tram y te, page 6 (after a cursor)':52} {rows:>5} {p50:>8.2f} {p99:>8.2f}")
    finally:
        await conn.close()


class ExplainingConnection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg is untyped
    """Runs EXPLAIN (ANALYZE, BUFFERS) of each fetched statement first, while `work` is set, and adds it up."""

    work: dict[str, float] | None = None

    async def fetch(self, query: str, *args: Any, **options: Any) -> Any:
        if self.work is not None and "set_config" not in query:
            explained = await super().fetchval("explain (analyze, buffers, format json) " + query, *args)
            plan = json.loads(explained)[0]
            self.work["statements"] += 1
            self.work["buffers"] += plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
            self.work["ms"] += plan["Execution Time"]
        return await super().fetch(query, *args, **options)


async def plans(dsn: str) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"jit": "off"}, connection_class=ExplainingConnection)
    try:
        print(f"\n{await conn.fetchval('select count(*) from facilities')} facilities")
        print(f"{'case':52} {'statements':>10} {'buffers':>8} {'server ms':>10}")
        for label, search in CASES.items():
            async with conn.transaction(readonly=True):
                await sql.search_facilities(conn, search, None, PAGE + 1)  # warm the cache
            conn.work = {"statements": 0, "buffers": 0, "ms": 0.0}
            async with conn.transaction(readonly=True):
                await sql.search_facilities(conn, search, None, PAGE + 1)
            work, conn.work = conn.work, None
            print(f"{label:52} {work['statements']:>10.0f} {work['buffers']:>8.0f} {work['ms']:>10.2f}")
    finally:
        await conn.close()


async def main(admin_dsn: str, runs: int, explain: bool) -> None:
    for facilities in (DEMO_FACILITIES, DEMO_FACILITIES * 10):
        dsn = await prepare(admin_dsn, facilities)
        await (plans(dsn) if explain else measure(dsn, runs))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin-dsn", help="a superuser DSN; default: an embedded server under --data-dir")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "vssid-bench")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--plans", action="store_true", help="statements, buffers and server time per page")
    args = parser.parse_args()
    if args.admin_dsn:
        asyncio.run(main(args.admin_dsn, args.runs, args.plans))
        return
    with EmbeddedPostgres(args.data_dir / "postgres") as server:
        asyncio.run(main(server.uri("postgres"), args.runs, args.plans))


if __name__ == "__main__":
    cli()
