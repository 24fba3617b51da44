"""SQL for provinces and wards (reference data)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

SELECT_PROVINCES = "select code, name from provinces order by code"
SELECT_PROVINCES_BY_CODE = "select code, name from provinces where code = any($1::text[])"
SELECT_WARDS_BY_PROVINCE = """
select code, name, province_code from wards where province_code = any($1::text[]) order by province_code, code
"""
SELECT_WARDS_BY_CODE = "select code, name, province_code from wards where code = any($1::text[])"


async def list_provinces(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_PROVINCES)


async def provinces_by_code(conn: asyncpg.Connection, codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_PROVINCES_BY_CODE, list(codes))


async def wards_by_province(conn: asyncpg.Connection, province_codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_WARDS_BY_PROVINCE, list(province_codes))


async def wards_by_code(conn: asyncpg.Connection, codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_WARDS_BY_CODE, list(codes))
