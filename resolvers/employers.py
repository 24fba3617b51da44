"""`employers`: units participating in social insurance, by name or best match first."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import strawberry

from core.policy import DIRECTORY_PAGES, PUBLIC_DIRECTORY
from db import employers as sql
from db.employers import use_search_threshold
from loaders.context import Info
from resolvers.inputs import PROVINCE_CODE, checked_code, clean_search
from schema.cursors import Score, decode_cursor
from schema.employer import Employer
from schema.pagination import Connection, page_size, read_page

EMPLOYERS = replace(PUBLIC_DIRECTORY, pages=DIRECTORY_PAGES)


@strawberry.type
class EmployerQuery:
    @strawberry.field(
        description="Units participating in social insurance, with their managing agency and status; "
        "`search` matches name, code or tax code regardless of diacritics and case, best match first.",
        metadata=EMPLOYERS.metadata(),
    )
    async def employers(
        self,
        info: Info,
        search: str | None = None,
        province_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Employer]:
        text = clean_search(search, "search")
        province = checked_code(province_code, PROVINCE_CODE, "provinceCode")
        size = page_size(first, DIRECTORY_PAGES, info.context.viewer)
        list_name = "employers:relevance" if text else "employers:name"
        cursor = decode_cursor(list_name, after, (Score, int) if text else (str, int))
        async def rows(conn: asyncpg.Connection) -> list[asyncpg.Record]:
            await use_search_threshold(conn)
            return await sql.list_employers(conn, text, province, cursor, size + 1)

        async def count(conn: asyncpg.Connection) -> int:
            await use_search_threshold(conn)
            return await sql.count_employers(conn, text, province)

        key = (lambda row: (row["score"], row["id"])) if text else (lambda row: (row["name"], row["id"]))
        return await read_page(
            info.context.connection, size, rows=rows, count=count, list_name=list_name, key=key,
            node=Employer.from_row, in_transaction=True,
        )
