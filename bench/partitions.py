"""Which partitioning for the visit history: the same rows in three layouts, the service's own visit statements.

    .venv/bin/python bench/partitions.py --dsn postgresql://…/bench_1000000 [--persons 2000] [--rounds 3] [--keep]

On a seeded database (docs/performance.md, "National scale"), copies `medical_visits` into three side tables:
`plain` (one table, as before migration 0015), `hash16` (16 hash partitions by person_id) and `year` (one range
partition per calendar year, as migration 0015 makes). Each is loaded with one INSERT … SELECT (the seed's COPY
routes rows the same way) and indexed as the served table is; the load and index times and the sizes are printed.
Then, for `--persons` random persons, it runs the service's statements on each layout in turn, `--rounds` times
(the first round warms the cache and is not counted): the MedicalHistory page (first 20), the same page for one year,
its count, the per-year totals and Home's first 5. Each statement is prepared once per layout and run as the
service runs it (asyncpg, one connection), and the client-side time of each execution gives p50 and p99. Finally
`EXPLAIN (ANALYZE, BUFFERS)` of the page statement for one person on each layout. The side tables are dropped at
the end unless `--keep`. Nothing of the service's own tables is changed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import asyncpg

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.visits import SELECT_YEARS_FOR_VIEWER, VISITS

COLUMNS = ("id, person_id, facility_id, visit_type, admitted_at, discharged_at, primary_diagnosis_code, total_cost, "
           "insurance_paid, patient_paid")
LAYOUTS = {
    "plain": "",
    "hash16": "partition by hash (person_id)",
    "year": "partition by range (admitted_at)",
}
YEARS = range(2017, 2028)
STATEMENTS = {
    # name: (statement over medical_visits, arguments after the person and viewer)
    "history page (first 20)": (VISITS.select_page_sql, (None, None, None, 21)),
    "history page, one year": (VISITS.select_page_sql, (2024, None, None, 21)),
    "history count": (VISITS.count_sql, (None,)),
    "per-year totals": (SELECT_YEARS_FOR_VIEWER, ()),
    "home (first 5)": (VISITS.select_page_sql, (None, None, None, 6)),
}


def side(layout: str) -> str:
    return f"bench_visits_{layout}"


async def build(conn: asyncpg.Connection, layout: str) -> dict[str, float]:
    table = side(layout)
    await conn.execute(f"drop table if exists {table}")
    await conn.execute(f"create table {table} (like medical_visits including defaults) {LAYOUTS[layout]}")
    if layout == "hash16":
        for r in range(16):
            await conn.execute(
                f"create table {table}_{r} partition of {table} for values with (modulus 16, remainder {r})"
            )
    elif layout == "year":
        for y in YEARS:
            await conn.execute(
                f"create table {table}_{y} partition of {table} for values from "
                f"(make_timestamptz({y}, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh')) to "
                f"(make_timestamptz({y + 1}, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'))"
            )
    started = time.perf_counter()
    await conn.execute(f"insert into {table} select {COLUMNS} from medical_visits")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    key = "id" if layout == "plain" else ("id, person_id" if layout == "hash16" else "id, admitted_at, person_id")
    await conn.execute(f"alter table {table} add primary key ({key})")
    await conn.execute(f"create index on {table} (person_id, admitted_at desc, id desc)")
    await conn.execute(f"create index on {table} (facility_id)")
    await conn.execute(f"analyze {table}")
    indexed = time.perf_counter() - started
    size = await conn.fetchval(
        "select sum(pg_total_relation_size(c.oid)) from pg_class c "
        "where c.relname = $1 or c.relname like $1 || '\\_%' and c.relkind = 'r'", table
    )
    return {"load_s": loaded, "index_s": indexed, "size_mb": float(size) / 2**20}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(conn: asyncpg.Connection, persons: list[int], rounds: int) -> dict[tuple[str, str], list[float]]:
    prepared = {
        (layout, name): await conn.prepare(sql.replace("from medical_visits", f"from {side(layout)}"))
        for layout in LAYOUTS
        for name, (sql, _) in STATEMENTS.items()
    }
    times: dict[tuple[str, str], list[float]] = {key: [] for key in prepared}
    for round_ in range(rounds):
        for layout in (list(LAYOUTS) if round_ % 2 == 0 else list(reversed(LAYOUTS))):
            for name, (_, extra) in STATEMENTS.items():
                statement = prepared[(layout, name)]
                for person in persons:
                    first = ([person], person) if name == "per-year totals" else (person, person)
                    started = time.perf_counter()
                    await statement.fetch(*first, *extra)
                    if round_:
                        times[(layout, name)].append((time.perf_counter() - started) * 1000)
    return times


async def main(args: argparse.Namespace) -> None:
    conn = await asyncpg.connect(args.dsn)
    try:
        built = {}
        for layout in LAYOUTS:
            built[layout] = await build(conn, layout)
            done = built[layout]
            print(f"{layout:>7}: loaded in {done['load_s']:.1f} s, indexed in {done['index_s']:.1f} s, "
                  f"{done['size_mb']:,.0f} MB", flush=True)
        persons = [r["person_id"] for r in await conn.fetch(
            "select person_id from (select distinct person_id from medical_visits tablesample system (1)) s "
            "order by random() limit $1", args.persons)]
        times = await measure(conn, persons, args.rounds)
        print(f"\n{len(persons)} persons, {args.rounds - 1} counted rounds; client-side ms per execution")
        print(f"{'statement':<26}" + "".join(f"{layout + ' p50':>12}{layout + ' p99':>12}" for layout in LAYOUTS))
        for name in STATEMENTS:
            cells = "".join(
                f"{statistics.median(times[(layout, name)]):>12.3f}{percentile(times[(layout, name)], 0.99):>12.3f}"
                for layout in LAYOUTS
            )
            print(f"{name:<26}{cells}")
        person = persons[0]
        for layout in LAYOUTS:
            sql = VISITS.select_page_sql.replace("from medical_visits", f"from {side(layout)}")
            await conn.execute("set plan_cache_mode = force_generic_plan")
            await conn.execute(f"prepare page_{layout} as {sql}")
            plan = await conn.fetch(
                f"explain (analyze, buffers, costs off) execute page_{layout}({person}, {person}, null, null, null, 21)"
            )
            print(f"\nEXPLAIN (ANALYZE, BUFFERS), generic plan, {layout}, person {person}:")
            print("\n".join(r[0] for r in plan))
    finally:
        if not args.keep:
            for layout in LAYOUTS:
                await conn.execute(f"drop table if exists {side(layout)}")
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", required=True, help="a seeded database (its medical_visits is only read)")
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the side tables")
    asyncio.run(main(parser.parse_args()))
