"""Employer: a unit participating in social insurance (đơn vị tham gia BHXH). Public directory data."""

from __future__ import annotations

import enum

import strawberry

from resolvers import employers as resolvers
from schema.facility import Facility
from schema.node import Node
from schema.pagination import Connection
from schema.province import Province


@strawberry.enum
class EmployerStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"  # tạm dừng đóng
    CLOSED = "CLOSED"


@strawberry.type
class Employer(Node):
    pk: strawberry.Private[int]
    code: str
    name: str
    tax_code: str | None
    address: str
    province_code: strawberry.Private[str]
    agency_id: strawberry.Private[int]
    status: EmployerStatus
    province: Province | None = strawberry.field(resolver=resolvers.resolve_employer_province)
    agency: Facility | None = strawberry.field(
        resolver=resolvers.resolve_employer_agency, description="The social insurance agency that manages it."
    )


@strawberry.type
class EmployerQuery:
    employers: Connection[Employer] = strawberry.field(
        resolver=resolvers.resolve_employers,
        description="Units participating in social insurance, with their managing agency and status; "
        "`search` matches name, code or tax code regardless of diacritics and case, best match first.",
    )
