"""InsuranceCard: the health insurance card (thẻ BHYT), with its beneficiary group. Personal data."""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from loaders.directory import BeneficiaryGroupByCodeLoader
from loaders.personal import InsuranceCardByIdLoader
from schema.facility import Facility, facility_relation
from schema.node import Node
from schema.relation import relation
from schema.rows import Mapped


@strawberry.enum(description="Residence area (nơi sinh sống) printed on the card: remote areas get extra benefits.")
class ResidenceArea(enum.Enum):
    K1 = "K1"
    K2 = "K2"
    K3 = "K3"


@strawberry.type(description="A beneficiary group (nhóm đối tượng): reference data, public.")
class BeneficiaryGroup(Mapped):
    code: str = strawberry.field(description="Two letters, e.g. DN for enterprise employees.")
    name: str


@strawberry.type(description="A BHYT card. Every field answers only to the card's holder.")
class InsuranceCard(OwnedByViewer, Node):
    access_part: ClassVar[str | None] = "CARD"
    node_loader = InsuranceCardByIdLoader
    person_id: strawberry.Private[int]
    group_code: strawberry.Private[str]
    primary_facility_id: strawberry.Private[int]
    card_number: str | None = strawberry.field(
        description="15 characters: group, benefit level, province, social insurance code.",
    )
    beneficiary_group: BeneficiaryGroup | None = relation(
        BeneficiaryGroupByCodeLoader, "group_code", BeneficiaryGroup.from_row
    )
    benefit_level: int | None = strawberry.field(
        description="Mức hưởng 1-5, as issued on this card (never derived from the group).",
    )
    coverage_percent: int | None = strawberry.field(
        description="Share of covered costs the fund pays, as issued on this card."
    )
    valid_from: dt.date | None
    valid_to: dt.date | None
    five_years_continuous_from: dt.date | None = strawberry.field(
        description="Ngày đủ 5 năm liên tục: from then co-payments are lower."
    )
    residence_area: ResidenceArea | None
    primary_facility: Facility | None = facility_relation(
        "primary_facility_id", "The registered primary-care facility (nơi đăng ký KCB ban đầu)."
    )

