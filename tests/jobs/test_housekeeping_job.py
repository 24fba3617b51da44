"""The housekeeping job makes the visit history's partition of next year when it is missing."""

from __future__ import annotations

import asyncpg

from db.partitions import attached_years
from db.pool import Database
from jobs.housekeeping import Housekeeping
from jobs.partitions import current_year


async def test_a_run_makes_next_years_partition_when_it_is_missing(pool: asyncpg.Pool) -> None:
    nxt = current_year() + 1
    async with pool.acquire() as conn:
        await conn.execute(f"drop table if exists medical_visits_{nxt}")
        assert nxt not in {r["year"] for r in await attached_years(conn)}

    await Housekeeping(Database(pool), interval_seconds=3600).run_once()

    async with pool.acquire() as conn:
        assert {current_year(), nxt} <= {r["year"] for r in await attached_years(conn)}
