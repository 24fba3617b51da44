"""Benefit: a benefit paid to the person (thông tin hưởng). Personal data."""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from loaders.personal import BenefitByIdLoader
from schema.facility import Facility, facility_relation
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
class Benefit(OwnedByViewer, Node):
    access_part: ClassVar[str | None] = "BENEFITS"
    node_loader = BenefitByIdLoader
    person_id: strawberry.Private[int]
    paying_agency_id: strawberry.Private[int]
    kind: BenefitKind | None
    decision_number: str | None = strawberry.field(description="Số quyết định.")
    period_from: dt.date | None
    period_to: dt.date | None = strawberry.field(description="Null for an open benefit.")
    days: int | None = strawberry.field(description="Days of leave paid, if counted in days.")
    amount: Money | None
    paid_on: dt.date | None
    paying_agency: Facility | None = facility_relation("paying_agency_id")

