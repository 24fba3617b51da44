"""SQL for facilities: hospitals, clinics, health stations, social insurance agencies and collection points."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

COLUMNS = """
id, code, kind, level, name, address, phone, province_code, ward_code, latitude, longitude,
bhyt_contracted, accepts_initial_registration, issues_sick_leave_certificates, updated_at
"""
# With the province's name (a card's primary facility shows it), which saves the province statement.
SELECT_BY_ID = f"""
select {COLUMNS}, (select p.name from provinces p where p.code = facilities.province_code) as province_name
from facilities where id = any($1::bigint[])
"""
SELECT_BY_CODE = f"select {COLUMNS} from facilities where code = any($1::text[])"


async def facilities_by_id(conn: asyncpg.Connection, ids: Sequence[int]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_ID, list(ids))


async def facilities_by_code(conn: asyncpg.Connection, codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_CODE, list(codes))
