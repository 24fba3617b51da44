"""The yearly partitions of the visit history (migration 0015): made ahead, and detached for archiving.

`medical_visits` is partitioned by range on `admitted_at`, one partition per calendar year in Vietnam
(`medical_visits_2026`). A year's partition must exist before its first visit arrives: the housekeeping job and
`python main.py partitions` make the current year and the next ones ahead (`medical_visits_ensure_year`, a function
of the migration, so the DDL is written once). An old year leaves the served table with `detach_year`: its
partition becomes a plain table `archive_medical_visits_<year>` that no statement of the service reads, which the
operator dumps and drops (docs/scale.md, "Archiving a year").
"""

from __future__ import annotations

import asyncpg

# The first year of the app's history (the table's check constraint refuses earlier visits).
FIRST_YEAR = 2017
ARCHIVE_PREFIX = "archive_medical_visits_"

ENSURE_YEARS = """
select y as year, medical_visits_ensure_year(y) as created
from generate_series($1::integer, $2::integer) as y
"""
# The partitions attached now, with their rows as the statistics last counted them (no scan).
YEARS = """
select substr(c.relname, length('medical_visits_') + 1)::integer as year, greatest(c.reltuples, 0)::bigint as rows
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
where i.inhparent = 'medical_visits'::regclass
order by year
"""
DETACH_YEAR = """
select format('alter table medical_visits detach partition %I', 'medical_visits_' || $1::integer)
union all
select format('alter table %I rename to %I', 'medical_visits_' || $1::integer, $2 || $1::integer)
"""


class PartitionError(ValueError):
    """A year that cannot be detached (not attached, or not old enough)."""


async def ensure_years(conn: asyncpg.Connection, first: int, last: int) -> list[int]:
    """Make the partitions of the years `first`..`last` that do not exist; return the years made."""
    rows = await conn.fetch(ENSURE_YEARS, first, last)
    return [r["year"] for r in rows if r["created"]]


async def attached_years(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(YEARS)


async def detach_year(conn: asyncpg.Connection, year: int, *, current_year: int, keep_years: int) -> str:
    """Detach `year` (at least `keep_years` before `current_year`) as `archive_medical_visits_<year>`; its name."""
    attached = {r["year"] for r in await attached_years(conn)}
    if year not in attached or year > current_year - keep_years:
        raise PartitionError(year)
    async with conn.transaction():
        for (statement,) in await conn.fetch(DETACH_YEAR, year, ARCHIVE_PREFIX):
            await conn.execute(statement)
    return f"{ARCHIVE_PREFIX}{year}"
