"""What reading one row of a page costs the worker, stage by stage (valgrind's cachegrind, instructions per row).

    .venv/bin/python bench/row_read.py [--persons 10000]

Takes a page of 21 medical visits (the history's page and its extra row) of a person who has that many, as the
combined statement sends it (`convert_to(json_agg(q)::text, 'UTF8')` of the page's own statement, db/combined.py),
then counts, each under `valgrind --tool=cachegrind` with 0 and 1,000 loops, what one loop adds:

- `json`: the page's rows read back (db/json_rows.py `rows_from_json`: orjson and the two timestamps of a row);
- `objects`: that, and the 20 rows' `MedicalVisit.from_row` (schema/rows.py);
- `page`: the JSON, and `build_connection` (each row's `MedicalVisit` and its edge, as `list_page` makes them).

It prints instructions per row for each stage and the difference between them: where a visit's "read" goes before
the plan answers anything (docs/performance.md, seventh stop). Needs Debian's valgrind; about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import asyncpg

from bench.contenders import ROOT
from bench.database import BenchServer, ensure_seeded
from bench.instructions import instructions_of
from db import visits
from db.json_rows import Conversions, json_conversions, rows_from_json
from schema.pagination import build_connection
from schema.visit import MedicalVisit

PAGE, ROWS, LOOPS = 20, 21, 1000
STAGES = ("json", "objects", "page")


class _Sent:
    """A connection stand-in that only keeps the statement `VISITS.page` sends, then sends it itself."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn, self.sent = conn, ("", ())

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        self.sent = (query, args)
        rows: list[asyncpg.Record] = await self.conn.fetch(query, *args)
        return rows


async def page_json(dsn: str) -> tuple[bytes, Conversions]:
    conn = await asyncpg.connect(dsn, server_settings={"timezone": "Asia/Ho_Chi_Minh"})
    try:
        person = await conn.fetchval(
            "select person_id from medical_visits group by person_id having count(*) >= $1 order by 1 limit 1", ROWS
        )
        sent = _Sent(conn)
        await visits.VISITS.page(sent, owner_id=person, viewer_id=person, after=None, limit=ROWS)
        query, args = sent.sent
        conversions = json_conversions((await conn.prepare(query)).get_attributes())
        assert conversions is not None
        text = await conn.fetchval(f"select convert_to(json_agg(q)::text, 'UTF8') from ({query}) q", *args)
        return text, conversions
    finally:
        await conn.close()


def run(stage: str, loops: int, text: bytes, conversions: Conversions) -> None:
    for _ in range(loops):
        rows = rows_from_json(text, conversions)
        if stage == "objects":
            [MedicalVisit.from_row(row) for row in rows[:PAGE]]
        elif stage == "page":
            build_connection(
                rows, PAGE, list_name="medicalVisits", key=lambda row: (row["admitted_at"], row["id"]),
                node=MedicalVisit.from_row, count_total=_none,
            )  # fmt: skip


async def _none() -> int:
    return 0


def count(stage: str, loops: int, persons: int) -> int:
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--persons", str(persons), "--stage", stage, "--loops", str(loops)]
    return instructions_of(command, ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # one counted run (valgrind's child)
    parser.add_argument("--loops", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage is not None:
        with BenchServer() as server:
            text, conversions = asyncio.run(page_json(ensure_seeded(server, args.persons)))
        run(args.stage, args.loops, text, conversions)
        return 0
    # Each count starts the bench's server and reads the page itself (the server is stopped between counts).
    per_row = {
        stage: (count(stage, LOOPS, args.persons) - count(stage, 0, args.persons)) / LOOPS / PAGE for stage in STAGES
    }
    json_part, objects, page = (per_row[stage] / 1000 for stage in STAGES)
    print(f"instructions per row of a page of {PAGE} visits (read with its extra row), over {LOOPS:,} loops:")
    print(f"  its JSON read back (orjson, two timestamps)   {json_part:6.1f} k")
    print(f"  its MedicalVisit (from_row)                   {objects - json_part:6.1f} k")
    print(f"  its edge (build_connection less the from_row) {page - objects:6.1f} k")
    print(f"  a row read in all                             {page:6.1f} k")
    return 0


if __name__ == "__main__":
    sys.exit(main())
