"""The partners' card check: is this BHYT card valid today for this holder? Recorded in the holder's access log."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import asyncpg

from db import card_check as sql
from db.access_log import record_access
from resolvers.facilities import FacilityByIdLoader
from resolvers.text import MAX_NAME_LENGTH, collapsed_text
from schema.errors import ApiError, ErrorCode
from schema.info import Info

if TYPE_CHECKING:
    from schema.card_check import InsuranceCardCheck
    from schema.facility import Facility

_CARD_NUMBER = re.compile(r"^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$")
_SOCIAL_INSURANCE_CODE = re.compile(r"^[0-9]{10}$")
ACCESS_PURPOSE = "Kiểm tra thẻ BHYT"
ACCESS_CATEGORIES = ("INSURANCE_CARD",)


def _card_key(card_number: str) -> tuple[str | None, str | None]:
    """(15-character card number, None) or (None, 10-digit code); INVALID_INPUT for anything else."""
    value = "".join(card_number.split()).upper()
    if _CARD_NUMBER.match(value):
        return value, None
    if _SOCIAL_INSURANCE_CODE.match(value):
        return None, value
    raise ApiError(
        ErrorCode.INVALID_INPUT,
        "cardNumber is the 15-character card number or the 10-digit social insurance code",
        field="cardNumber",
    )


def _reason(row: asyncpg.Record) -> str:
    if not row["name_matches"]:
        return "NAME_MISMATCH"
    if not row["birth_date_matches"]:
        return "BIRTH_DATE_MISMATCH"
    today: dt.date = row["today"]
    if today < row["valid_from"]:
        return "NOT_YET_VALID"
    if today > row["valid_to"]:
        return "EXPIRED"
    return "VALID"


def _result(row: asyncpg.Record | None) -> InsuranceCardCheck:
    from schema.card_check import CardCheckReason, InsuranceCardCheck

    if row is None:
        return InsuranceCardCheck.without_facts(CardCheckReason.NOT_FOUND)
    reason = CardCheckReason(_reason(row))
    if reason in (CardCheckReason.NAME_MISMATCH, CardCheckReason.BIRTH_DATE_MISMATCH):
        # No card facts unless the caller already knows who the holder is: no look-up oracle.
        return InsuranceCardCheck.without_facts(reason)
    return InsuranceCardCheck(
        valid=reason is CardCheckReason.VALID,
        reason=reason,
        card_number=row["card_number"],
        benefit_level=row["benefit_level"],
        coverage_percent=row["coverage_percent"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        five_years_continuous_from=row["five_years_continuous_from"],
        residence_area=row["residence_area"],
        primary_facility_id=row["primary_facility_id"],
    )


async def resolve_verify_insurance_card(
    info: Info, card_number: str, full_name: str, date_of_birth: dt.date
) -> InsuranceCardCheck:
    """Valid or not with the reason; card facts only when name and birth date match the holder."""
    number, code = _card_key(card_number)
    name = collapsed_text(full_name, "fullName", min_length=1, max_length=MAX_NAME_LENGTH)
    viewer = info.context.viewer
    async with info.context.pool.acquire() as conn, conn.transaction():
        row = await sql.find_card(conn, card_number=number, code=code, full_name=name, date_of_birth=date_of_birth)
        if row is not None:
            # The read and its record commit together: a card is never checked unrecorded.
            await record_access(
                conn,
                person_id=row["person_id"],
                actor_kind="PARTNER",
                actor_name=viewer.partner_name or "",
                actor_ref=str(viewer.api_key_id) if viewer.api_key_id is not None else None,
                purpose=ACCESS_PURPOSE,
                data_categories=ACCESS_CATEGORIES,
            )
    return _result(row)


async def resolve_primary_facility(root: InsuranceCardCheck, info: Info) -> Facility | None:
    if root.primary_facility_id is None:
        return None
    return await info.context.loaders.get(FacilityByIdLoader).load(root.primary_facility_id)
