"""Employer: a unit participating in social insurance (đơn vị tham gia BHXH). Public directory data."""

from __future__ import annotations

import enum

import strawberry

from loaders.base import Row
from loaders.directory import EmployerByIdLoader, ProvinceByCodeLoader
from schema.facility import Facility, facility_relation
from schema.node import Node, to_global_id
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
    pk: strawberry.Private[int]
    code: str
    name: str
    tax_code: str | None
    address: str
    province_code: strawberry.Private[str]
    agency_id: strawberry.Private[int]
    status: EmployerStatus
    province: Province | None = relation(ProvinceByCodeLoader, "province_code", Province.from_row)
    agency: Facility | None = facility_relation("agency_id", "The social insurance agency that manages it.")

    @classmethod
    def from_row(cls, row: Row) -> Employer:
        return cls(
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
