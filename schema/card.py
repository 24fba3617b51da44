"""InsuranceCard: the health insurance card (thẻ BHYT), with its beneficiary group. Personal data."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from core.policy import READS_ONLY
from db.cards import VIETNAM
from loaders.context import Info
from loaders.directory import BeneficiaryGroupByCodeLoader, FacilityByIdLoader
from loaders.personal import InsuranceCardByIdLoader, PersonByIdLoader
from schema.card_image import CardImage, CardImageFormat, card_image
from schema.facility import Facility, facility_relation
from schema.node import Node
from schema.relation import relation
from schema.rows import Mapped


@strawberry.enum(description="Residence area (nơi sinh sống) printed on the card: remote areas get extra benefits.")
class ResidenceArea(enum.Enum):
    K1 = "K1"
    K2 = "K2"
    K3 = "K3"


@strawberry.enum(description="Whether a card is in force today (Vietnam time).")
class CardStatus(enum.Enum):
    IN_FORCE = "IN_FORCE"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


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
    issued_on: dt.date | None = strawberry.field(description="Ngày cấp: the day this card was (re)issued.")
    revoked_at: dt.datetime | None = strawberry.field(
        description="When the card was withdrawn (revoked, or replaced by a reissue); null for a card not withdrawn."
    )

    @strawberry.field(
        description="Whether the card is in force today (Vietnam time), and if not, why.",
        metadata=READS_ONLY.metadata(),
    )
    def status(self) -> CardStatus | None:
        if self.revoked_at is not None:
            return CardStatus.REVOKED
        today = dt.datetime.now(VIETNAM).date()
        if self.valid_from is not None and today < self.valid_from:
            return CardStatus.NOT_YET_VALID
        if self.valid_to is not None and today > self.valid_to:
            return CardStatus.EXPIRED
        return CardStatus.IN_FORCE

    @strawberry.field(
        description="The card as a picture laid out like the printed card, with a QR code signed by the service "
        "that a front desk verifies offline or with verifyInsuranceCard(qr:). As data URLs, SVG is about 16 KB, "
        "PNG about 25 KB."
    )
    async def image(self, info: Info, format: CardImageFormat = CardImageFormat.SVG) -> CardImage | None:
        loaders = info.context.loaders
        person = await loaders.get(PersonByIdLoader).load(self.person_id)
        facility = await loaders.get(FacilityByIdLoader).load(self.primary_facility_id)
        if person is None or facility is None:
            return None
        row = {
            "card_number": self.card_number, "valid_from": self.valid_from, "valid_to": self.valid_to,
            "issued_on": self.issued_on, "five_years_continuous_from": self.five_years_continuous_from,
        }
        # Drawing a PNG takes tens of milliseconds of CPU: off the event loop, which serves other requests.
        return await asyncio.to_thread(card_image, info.context.settings, format, row, person, facility)

