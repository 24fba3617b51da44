"""The partners' card check (kiểm tra thẻ BHYT) for hospital front desks: needs an API key with card:verify."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import CanVerifyCards
from resolvers import card_check as resolvers
from schema.facility import Facility


@strawberry.enum(description="Why a card is or is not valid for this holder today.")
class CardCheckReason(enum.Enum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    NOT_FOUND = "NOT_FOUND"
    NAME_MISMATCH = "NAME_MISMATCH"
    BIRTH_DATE_MISMATCH = "BIRTH_DATE_MISMATCH"


@strawberry.type(description="The answer of a card check. Card facts are given only when name and birth date match.")
class InsuranceCardCheck:
    valid: bool
    reason: CardCheckReason
    card_number: str | None = strawberry.field(description="The full 15-character card number.")
    benefit_level: int | None = strawberry.field(description="Mức hưởng, 1 to 5, as issued.")
    coverage_percent: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    five_years_continuous_from: dt.date | None = strawberry.field(description="Ngày đủ 5 năm liên tục.")
    residence_area: str | None = strawberry.field(description="Nơi sinh sống: K1, K2 or K3.")
    primary_facility_id: strawberry.Private[int | None]
    primary_facility: Facility | None = strawberry.field(
        resolver=resolvers.resolve_primary_facility, description="Nơi đăng ký KCB ban đầu."
    )

    @classmethod
    def without_facts(cls, reason: CardCheckReason) -> InsuranceCardCheck:
        return cls(
            valid=False,
            reason=reason,
            card_number=None,
            benefit_level=None,
            coverage_percent=None,
            valid_from=None,
            valid_to=None,
            five_years_continuous_from=None,
            residence_area=None,
            primary_facility_id=None,
        )


@strawberry.type
class CardCheckQuery:
    verify_insurance_card: InsuranceCardCheck | None = strawberry.field(
        resolver=resolvers.resolve_verify_insurance_card,
        permission_classes=[CanVerifyCards],
        description="cardNumber: the 15-character card number or the 10-digit social insurance code. "
        "Every check that finds a card is recorded in the holder's access log.",
    )
