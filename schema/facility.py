"""Facility: one directory of hospitals, clinics, health stations, social insurance agencies and collection points."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from resolvers import facilities as resolvers
from schema.node import Node
from schema.province import Province, Ward


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
    pk: strawberry.Private[int]
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
    province: Province | None = strawberry.field(resolver=resolvers.resolve_facility_province)
    ward: Ward | None = strawberry.field(resolver=resolvers.resolve_facility_ward)
