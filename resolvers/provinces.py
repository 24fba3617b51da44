"""Provinces and wards: loaders and resolvers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from db import provinces as sql
from resolvers.dataloader import BaseLoader, in_key_order
from schema.info import Info

if TYPE_CHECKING:
    from schema.province import Province, Ward


class ProvinceByCodeLoader(BaseLoader[str, "Province | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[str]) -> list[Province | None]:
        rows = in_key_order(keys, await sql.provinces_by_code(conn, keys), key="code")
        return [province_from_row(r) if r else None for r in rows]


class WardByCodeLoader(BaseLoader[str, "Ward | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[str]) -> list[Ward | None]:
        rows = in_key_order(keys, await sql.wards_by_code(conn, keys), key="code")
        return [ward_from_row(r) if r else None for r in rows]


class WardsByProvinceCodeLoader(BaseLoader[str, "list[Ward]"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[str]) -> list[list[Ward]]:
        grouped: dict[str, list[Ward]] = defaultdict(list)
        for row in await sql.wards_by_province(conn, keys):
            grouped[row["province_code"]].append(ward_from_row(row))
        return [grouped.get(k, []) for k in keys]


def province_from_row(row: asyncpg.Record) -> Province:
    from schema.province import Province

    return Province(code=row["code"], name=row["name"])


def ward_from_row(row: asyncpg.Record) -> Ward:
    from schema.province import Ward

    return Ward(code=row["code"], name=row["name"], province_code=row["province_code"])


async def resolve_provinces(info: Info) -> list[Province]:
    async with info.context.pool.acquire() as conn:
        rows = await sql.list_provinces(conn)
    return [province_from_row(r) for r in rows]


async def resolve_wards(root: Province, info: Info) -> list[Ward]:
    return await info.context.loaders.get(WardsByProvinceCodeLoader).load(root.code)


async def resolve_ward_province(root: Ward, info: Info) -> Province | None:
    return await info.context.loaders.get(ProvinceByCodeLoader).load(root.province_code)
