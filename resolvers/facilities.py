"""Facilities: loaders, the row-to-type mapping, and the resolvers of Facility's relations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from db import facilities as sql
from resolvers.dataloader import BaseLoader, in_key_order
from resolvers.provinces import ProvinceByCodeLoader, WardByCodeLoader
from schema.info import Info

if TYPE_CHECKING:
    from schema.facility import Facility
    from schema.province import Province, Ward


def facility_from_row(row: asyncpg.Record, distance_km: float | None = None) -> Facility:
    from schema.facility import Facility, FacilityKind, FacilityLevel, GeoPoint
    from schema.node import to_global_id

    return Facility(
        id=to_global_id("Facility", row["id"]),
        pk=row["id"],
        code=row["code"],
        name=row["name"],
        kind=FacilityKind(row["kind"]),
        level=FacilityLevel(row["level"]) if row["level"] else None,
        address=row["address"],
        phone=row["phone"],
        province_code=row["province_code"],
        ward_code=row["ward_code"],
        location=GeoPoint(latitude=row["latitude"], longitude=row["longitude"]),
        distance_km=distance_km,
        bhyt_contracted=row["bhyt_contracted"],
        accepts_initial_registration=row["accepts_initial_registration"],
        issues_sick_leave_certificates=row["issues_sick_leave_certificates"],
        updated_at=row["updated_at"],
    )


class FacilityByIdLoader(BaseLoader[int, "Facility | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[int]) -> list[Facility | None]:
        from schema.province import Province

        rows = in_key_order(keys, await sql.facilities_by_id(conn, keys))
        for row in rows:
            if row is not None and row["province_name"] is not None:
                province = Province(code=row["province_code"], name=row["province_name"])
                self.prime_other(ProvinceByCodeLoader, row["province_code"], province)
        return [facility_from_row(r) if r else None for r in rows]


class FacilityByCodeLoader(BaseLoader[str, "Facility | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[str]) -> list[Facility | None]:
        rows = in_key_order(keys, await sql.facilities_by_code(conn, keys), key="code")
        return [facility_from_row(r) if r else None for r in rows]


async def resolve_facility_province(root: Facility, info: Info) -> Province | None:
    return await info.context.loaders.get(ProvinceByCodeLoader).load(root.province_code)


async def resolve_facility_ward(root: Facility, info: Info) -> Ward | None:
    if root.ward_code is None:
        return None
    return await info.context.loaders.get(WardByCodeLoader).load(root.ward_code)
