"""`python main.py partitions`: the yearly partitions of the visit history, and the housekeeping step that makes
them ahead (db/partitions.py; docs/scale.md, "Partitioning the visit history").

Every housekeeping run makes this year's and next year's partitions if they are missing, so a running service never
meets a visit without its year. The command does the same for `--ahead` years and lists the attached years;
`--detach YEAR` takes an old year out of the served table for archiving.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from db import partitions

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Visits stay in the app for this many years by default (the medical record is kept at least ten years).
KEEP_YEARS = 10


def current_year() -> int:
    return datetime.now(VIETNAM).year


async def ensure_ahead(conn: asyncpg.Connection, ahead: int = 1) -> list[int]:
    """Make the partitions of this year and the `ahead` next ones that are missing; return the years made."""
    year = current_year()
    return await partitions.ensure_years(conn, year, year + ahead)


def add_partitions_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "partitions", help="make the visit history's yearly partitions ahead, list them, or detach an old year"
    )
    parser.add_argument("--ahead", type=int, default=2, help="years after this one to make (default 2)")
    parser.add_argument("--detach", type=int, metavar="YEAR", help="detach YEAR as archive_medical_visits_YEAR")
    parser.add_argument("--keep-years", type=int, default=KEEP_YEARS,
                        help=f"refuse to detach any of the last N years (default {KEEP_YEARS})")
    return parser


async def run_partitions_command(args: argparse.Namespace, conn: asyncpg.Connection) -> int:
    made = await ensure_ahead(conn, max(0, args.ahead))
    print(f"made: {', '.join(map(str, made)) or 'none (all present)'}")
    if args.detach is not None:
        try:
            name = await partitions.detach_year(
                conn, args.detach, current_year=current_year(), keep_years=args.keep_years
            )
        except partitions.PartitionError:
            print(f"cannot detach {args.detach}: not attached, or within the last {args.keep_years} years")
            return 1
        print(f"detached {args.detach} as {name}: dump it (pg_dump -t {name}), then drop it")
    for row in await partitions.attached_years(conn):
        print(f"medical_visits_{row['year']}  about {row['rows']:,} visits")
    return 0
