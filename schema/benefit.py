"""Benefit: a benefit paid to the person (thông tin hưởng). Personal data."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import IsOwner
from resolvers import benefits as resolvers
from schema.facility import Facility
from schema.node import Node
from schema.scalars import Money


@strawberry.enum
class BenefitKind(enum.Enum):
    SICKNESS = "SICKNESS"  # ốm đau
    MATERNITY = "MATERNITY"  # thai sản
    OCCUPATIONAL_ACCIDENT = "OCCUPATIONAL_ACCIDENT"  # tai nạn lao động
    OCCUPATIONAL_DISEASE = "OCCUPATIONAL_DISEASE"  # bệnh nghề nghiệp
    CONVALESCENCE = "CONVALESCENCE"  # dưỡng sức phục hồi sức khỏe
    PENSION = "PENSION"  # hưu trí
    UNEMPLOYMENT = "UNEMPLOYMENT"  # trợ cấp thất nghiệp
    LUMP_SUM = "LUMP_SUM"  # BHXH một lần


@strawberry.type(description="One benefit payment decision. Every field answers only to its beneficiary.")
class Benefit(Node):
    pk: strawberry.Private[int]
    person_id: strawberry.Private[int]
    paying_agency_id: strawberry.Private[int]
    kind: BenefitKind | None = strawberry.field(permission_classes=[IsOwner])
    decision_number: str | None = strawberry.field(permission_classes=[IsOwner], description="Số quyết định.")
    period_from: dt.date | None = strawberry.field(permission_classes=[IsOwner])
    period_to: dt.date | None = strawberry.field(permission_classes=[IsOwner], description="Null for an open benefit.")
    days: int | None = strawberry.field(
        permission_classes=[IsOwner], description="Days of leave paid, if counted in days."
    )
    amount: Money | None = strawberry.field(permission_classes=[IsOwner])
    paid_on: dt.date | None = strawberry.field(permission_classes=[IsOwner])
    paying_agency: Facility | None = strawberry.field(
        resolver=resolvers.resolve_paying_agency, permission_classes=[IsOwner]
    )
