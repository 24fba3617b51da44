"""Employer: a unit participating in social insurance (đơn vị tham gia BHXH). Public directory data."""

from __future__ import annotations

import enum

import strawberry

from loaders.directory import EmployerByIdLoader, ProvinceByCodeLoader
from schema.facility import Facility, facility_relation
from schema.node import Node
from schema.province import Province
from schema.relation import relation


@strawberry.enum
class EmployerStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"  # tạm dừng đóng
    CLOSED = "CLOSED"


@strawberry.type
class Employer(Node):
    node_loader = EmployerByIdLoader
    code: str
    name: str
    tax_code: str | None
    address: str
    province_code: strawberry.Private[str]
    agency_id: strawberry.Private[int]
    status: EmployerStatus
    province: Province | None = relation(ProvinceByCodeLoader, "province_code", Province.from_row)
    agency: Facility | None = facility_relation("agency_id", "The social insurance agency that manages it.")

