"""`provinces`: the 34 provinces with their wards."""

from __future__ import annotations

from dataclasses import replace

import strawberry

from core.policy import PUBLIC_DIRECTORY
from db import provinces as sql
from loaders.context import Info
from schema.province import Province

# The provinces since the 2025 merger.
PROVINCE_COUNT = 34
PROVINCES = replace(PUBLIC_DIRECTORY, list_size=PROVINCE_COUNT)


@strawberry.type
class ProvinceQuery:
    @strawberry.field(description="The 34 provinces with their wards, by code.", metadata=PROVINCES.metadata())
    async def provinces(self, info: Info) -> list[Province]:
        async with info.context.connection.acquire() as conn:
            rows = await sql.list_provinces(conn)
        return [Province.from_row(r) for r in rows]
