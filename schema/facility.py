"""Facility: one directory of hospitals, clinics, health stations, social insurance agencies and collection points."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Self

import strawberry

from loaders.base import Row
from loaders.directory import FacilityByIdLoader, ProvinceByCodeLoader, WardByCodeLoader
from schema.node import Node
from schema.province import Province, Ward
from schema.relation import relation


@strawberry.enum
class FacilityKind(enum.Enum):
    HOSPITAL = "HOSPITAL"
    CLINIC = "CLINIC"
    HEALTH_STATION = "HEALTH_STATION"  # trạm y tế xã/phường
    SOCIAL_INSURANCE_AGENCY = "SOCIAL_INSURANCE_AGENCY"  # cơ quan BHXH
    COLLECTION_POINT = "COLLECTION_POINT"  # điểm thu, đại lý thu


@strawberry.enum(description="Technical level of a medical facility (tuyến / cấp chuyên môn).")
class FacilityLevel(enum.Enum):
    CENTRAL = "CENTRAL"
    PROVINCIAL = "PROVINCIAL"
    BASIC = "BASIC"
    COMMUNE = "COMMUNE"


@strawberry.type
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.type(description="A place in the directory. Public: it carries no personal data.")
class Facility(Node):
    node_loader = FacilityByIdLoader
    code: str = strawberry.field(description="Five characters; the first two are the province code.")
    name: str
    kind: FacilityKind
    level: FacilityLevel | None
    address: str
    phone: str | None
    province_code: strawberry.Private[str]
    ward_code: strawberry.Private[str | None]
    location: GeoPoint
    distance_km: float | None = strawberry.field(description="Set when the list was asked for `near` a point.")
    bhyt_contracted: bool = strawberry.field(description="Has a BHYT contract (ký hợp đồng KCB BHYT).")
    accepts_initial_registration: bool = strawberry.field(description="Can be chosen as primary-care facility.")
    issues_sick_leave_certificates: bool
    updated_at: dt.datetime = strawberry.field(description="Last change; partners sync what changed since.")
    province: Province | None = relation(ProvinceByCodeLoader, "province_code", Province.from_row)
    ward: Ward | None = relation(WardByCodeLoader, "ward_code", Ward.from_row)

    @classmethod
    def from_row(cls, row: Row, **given: Any) -> Self:
        location = GeoPoint(latitude=row["latitude"], longitude=row["longitude"])
        return super().from_row(row, **{"location": location, "distance_km": None, **given})


def facility_relation(key: str, description: str | None = None) -> Facility | None:
    """A field holding the facility whose id is the parent's attribute `key`."""
    value: Facility | None = relation(FacilityByIdLoader, key, Facility.from_row, description=description)
    return value
