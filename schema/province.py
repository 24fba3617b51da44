"""Provinces and wards (tỉnh/thành phố, phường/xã): two-level administration since 2025-07-01."""

from __future__ import annotations

import strawberry

from core.policy import FieldPolicy
from loaders.directory import ProvinceByCodeLoader, WardsByProvinceCodeLoader
from schema.relation import relation, relation_list
from schema.rows import Mapped

# The most wards of one province (tests/service/test_limits.py checks it against the reference data): a list
# multiplies the cost below it like a connection does, so `provinces { wards { province { wards … } } }` is priced
# at what it would load and refused before it runs.
MAX_WARDS_PER_PROVINCE = 168


@strawberry.type(description="A ward or commune (phường/xã), the level below the province.")
class Ward(Mapped):
    code: str = strawberry.field(description="Five-digit official code.")
    name: str
    province_code: strawberry.Private[str]
    # A lambda: Province is declared below (the two refer to each other).
    province: Province | None = relation(
        ProvinceByCodeLoader, "province_code", lambda row: Province.from_row(row)  # noqa: PLW0108
    )


@strawberry.type(description="A province or centrally-run city (tỉnh/thành phố).")
class Province(Mapped):
    code: str = strawberry.field(description="Two-digit official code.")
    name: str
    wards: list[Ward] = relation_list(
        WardsByProvinceCodeLoader, "code", Ward.from_row, policy=FieldPolicy(list_size=MAX_WARDS_PER_PROVINCE)
    )

