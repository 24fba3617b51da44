"""The partners' card check (kiểm tra thẻ BHYT) for hospital front desks: needs an API key with card:verify."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from loaders.base import Row
from schema.facility import Facility, facility_relation
from schema.rows import Mapped


@strawberry.enum(description="Why a card is or is not valid for this holder today.")
class CardCheckReason(enum.Enum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    NOT_FOUND = "NOT_FOUND"
    # No longer answered: a mismatch answers NOT_FOUND, so a check tells nothing about which fact was wrong.
    NAME_MISMATCH = strawberry.enum_value(
        "NAME_MISMATCH", deprecation_reason="Never answered since 2026-12-04 (NOT_FOUND instead). Removal: 2027-06-30"
    )
    BIRTH_DATE_MISMATCH = strawberry.enum_value(
        "BIRTH_DATE_MISMATCH",
        deprecation_reason="Never answered since 2026-12-04 (NOT_FOUND instead). Removal: 2027-06-30",
    )
    # Since issue 13 (the card at the front desk).
    REVOKED = strawberry.enum_value(
        "REVOKED", description="The card was withdrawn (revoked, or replaced by a reissue) before its validity ended."
    )
    TAMPERED = strawberry.enum_value(
        "TAMPERED", description="A scanned QR payload is malformed or its signature does not match its bytes."
    )
    UNKNOWN_KEY = strawberry.enum_value(
        "UNKNOWN_KEY", description="A scanned QR payload names a signing key the service does not hold."
    )


@strawberry.type(description="The answer of a card check. Card facts are given only when name and birth date match.")
class InsuranceCardCheck(Mapped):
    valid: bool
    reason: CardCheckReason
    card_number: str | None = strawberry.field(default=None, description="The full 15-character card number.")
    benefit_level: int | None = strawberry.field(default=None, description="Mức hưởng, 1 to 5, as issued.")
    coverage_percent: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    five_years_continuous_from: dt.date | None = strawberry.field(default=None, description="Ngày đủ 5 năm liên tục.")
    residence_area: str | None = strawberry.field(default=None, description="Nơi sinh sống: K1, K2 or K3.")
    primary_facility_id: strawberry.Private[int | None] = None
    primary_facility: Facility | None = facility_relation("primary_facility_id", "Nơi đăng ký KCB ban đầu.")

    @classmethod
    def refused(cls, reason: CardCheckReason) -> InsuranceCardCheck:
        """An answer without card facts."""
        return cls(valid=False, reason=reason)

    @classmethod
    def of_card(cls, row: Row | None, *, replaced: bool = False) -> InsuranceCardCheck:
        """The check of a found card (or NOT_FOUND); card facts only when name and birth date match the holder.
        `replaced`: what the caller holds of the card (a scanned QR code) is no longer what the card says."""
        if row is None:
            return cls(valid=False, reason=CardCheckReason.NOT_FOUND)
        reason = _reason(row, replaced)
        if reason is None:
            # The card exists but the name or birth date does not match: the same answer as no card at all, so the
            # check is no way to learn who holds a card or when they were born.
            return cls(valid=False, reason=CardCheckReason.NOT_FOUND)
        return cls.from_row(row, valid=reason is CardCheckReason.VALID, reason=reason)


def _reason(row: Row, replaced: bool) -> CardCheckReason | None:
    """The card's state for a holder whose name and birth date match; None when they do not."""
    if not row["name_matches"] or not row["birth_date_matches"]:
        return None
    if replaced or row["revoked_at"] is not None:
        return CardCheckReason.REVOKED
    today: dt.date = row["today"]
    if today < row["valid_from"]:
        return CardCheckReason.NOT_YET_VALID
    if today > row["valid_to"]:
        return CardCheckReason.EXPIRED
    return CardCheckReason.VALID
