"""Employers: loaders, the row-to-type mapping, and the resolvers of Employer's relations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from db import employers as sql
from db.employers import use_search_threshold
from resolvers.dataloader import BaseLoader, in_key_order
from resolvers.directory import PROVINCE_CODE, checked_code, clean_search, directory_page_size
from resolvers.facilities import FacilityByIdLoader
from resolvers.pagination import Score, build_connection, decode_cursor
from resolvers.provinces import ProvinceByCodeLoader
from schema.info import Info
from schema.pagination import Connection

if TYPE_CHECKING:
    from schema.employer import Employer
    from schema.facility import Facility
    from schema.province import Province


def employer_from_row(row: asyncpg.Record) -> Employer:
    from schema.employer import Employer, EmployerStatus
    from schema.node import to_global_id

    return Employer(
        id=to_global_id("Employer", row["id"]),
        pk=row["id"],
        code=row["code"],
        name=row["name"],
        tax_code=row["tax_code"],
        address=row["address"],
        province_code=row["province_code"],
        agency_id=row["agency_id"],
        status=EmployerStatus(row["status"]),
    )


class EmployerByIdLoader(BaseLoader[int, "Employer | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[int]) -> list[Employer | None]:
        rows = in_key_order(keys, await sql.employers_by_id(conn, keys))
        return [employer_from_row(r) if r else None for r in rows]


async def resolve_employer_province(root: Employer, info: Info) -> Province | None:
    return await info.context.loaders.get(ProvinceByCodeLoader).load(root.province_code)


async def resolve_employer_agency(root: Employer, info: Info) -> Facility | None:
    return await info.context.loaders.get(FacilityByIdLoader).load(root.agency_id)


async def resolve_employers(
    info: Info,
    search: str | None = None,
    province_code: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Employer]:
    """By name, or best match first when searching (name, code or tax code; diacritics and case ignored)."""
    text = clean_search(search, "search")
    province = checked_code(province_code, PROVINCE_CODE, "provinceCode")
    size = directory_page_size(info, first)
    list_name = "employers:relevance" if text else "employers:name"
    cursor = decode_cursor(list_name, after, (Score, int) if text else (str, int))
    pool = info.context.pool
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await use_search_threshold(conn)
        rows = await sql.list_employers(conn, text, province, cursor, size + 1)

    async def count_total() -> int:
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            await use_search_threshold(conn)
            return await sql.count_employers(conn, text, province)

    return build_connection(
        rows,
        size,
        list_name=list_name,
        key=(lambda row: (row["score"], row["id"])) if text else (lambda row: (row["name"], row["id"])),
        node=employer_from_row,
        count_total=count_total,
    )
