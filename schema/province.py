"""Provinces and wards (tỉnh/thành phố, phường/xã): two-level administration since 2025-07-01."""

from __future__ import annotations

import strawberry

from resolvers import provinces as resolvers


@strawberry.type(description="A province or centrally-run city (tỉnh/thành phố).")
class Province:
    code: str = strawberry.field(description="Two-digit official code.")
    name: str
    wards: list[Ward] = strawberry.field(resolver=resolvers.resolve_wards)


@strawberry.type(description="A ward or commune (phường/xã), the level below the province.")
class Ward:
    code: str = strawberry.field(description="Five-digit official code.")
    name: str
    province_code: strawberry.Private[str]
    province: Province | None = strawberry.field(resolver=resolvers.resolve_ward_province)


@strawberry.type
class ProvinceQuery:
    provinces: list[Province] = strawberry.field(
        resolver=resolvers.resolve_provinces, description="The 34 provinces with their wards, by code."
    )
