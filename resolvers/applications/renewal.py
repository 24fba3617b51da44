"""Gia hạn thẻ BHYT hộ gia đình: members of the applicant's household (as quoteRenewal counts them), for 3, 6 or 12
months; the amount is quoted at submission from the parameters in force (payments/renewal.py) and stored, and the
cards are extended when the gateway confirms the payment, continuing from each member's latest card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from auth.refusal import Refusal
from core.errors import ApiError, ErrorCode
from core.text_ids import TextId
from core.texts import text
from db import application_effects as effects
from db import renewal_rates
from payments import renewal
from resolvers.applications.kinds import Kind, Prepared, Request
from schema.ids import from_global_id

MAX_MEMBERS = 20
FIELD = "householdRenewal"
HOUSEHOLD_GROUP = "GD"


def _member_pks(request: Request) -> list[int]:
    ids = request.get("memberIds") or []
    pks: list[int] = []
    for member in ids:
        try:
            type_name, pk = from_global_id(str(member))
        except ApiError:
            type_name, pk = "", 0
        pks.append(pk if type_name == "Person" else 0)
    if not 1 <= len(pks) <= MAX_MEMBERS or 0 in pks or len(set(pks)) != len(pks):
        members = text(TextId.RENEWAL_MEMBERS_FORMAT, maximum=MAX_MEMBERS)
        raise Refusal(ErrorCode.INVALID_INPUT, members, f"{FIELD}.memberIds")
    return pks


async def prepare(conn: asyncpg.Connection, person_id: int, request: Request, today: dt.date) -> Prepared:
    months = request.get("termMonths")
    if months not in renewal.HOUSEHOLD_TERMS:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.RENEWAL_TERM), f"{FIELD}.termMonths")
    pks = _member_pks(request)
    household = await renewal_rates.household_ids(conn, person_id)
    people = {row["id"]: row for row in await effects.people_by_id(conn, pks)}
    members = []
    for pk in pks:
        person = people.get(pk)
        if pk not in household or person is None:
            raise Refusal(
                ErrorCode.HOUSEHOLD_MEMBER_INELIGIBLE, text(TextId.RENEWAL_NOT_IN_HOUSEHOLD),
                f"{FIELD}.memberIds",
            )
        card = await effects.latest_card(conn, pk)
        if card is None or card["group_code"] != HOUSEHOLD_GROUP:
            code = person["social_insurance_code"]
            raise Refusal(
                ErrorCode.HOUSEHOLD_MEMBER_INELIGIBLE, text(TextId.RENEWAL_NOT_HOUSEHOLD_GROUP, code=code),
                f"{FIELD}.memberIds",
            )
        members.append({"personId": pk, "code": person["social_insurance_code"], "name": person["full_name"],
                        "validTo": card["valid_to"].isoformat()})
    rates = await renewal_rates.rates_on(conn, today)
    quote = renewal.household_quote(rates, members=len(members), months=months)
    return Prepared(
        {
            "request": {"memberIds": list(request.get("memberIds") or []), "termMonths": months},
            "members": members,
            "termMonths": months,
            "lines": [line.term_amount for line in quote.members],
            "before": {m["code"]: m["validTo"] for m in members},
        },
        amount_dong=quote.total,
    )


async def apply(conn: asyncpg.Connection, person_id: int, stored: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Each member's new card, from the day after their latest card ends (today, if it has lapsed)."""
    group = await effects.group(conn, HOUSEHOLD_GROUP)
    assert group is not None  # reference data
    before, after = {}, {}
    for member in stored["members"]:
        card = await effects.latest_card(conn, member["personId"])
        assert card is not None  # cards are never deleted
        start = max(card["valid_to"] + dt.timedelta(days=1), today)
        issued = await effects.insert_renewal(
            conn, member["personId"], card["id"], level=group["benefit_level"], percent=group["coverage_percent"],
            valid_from=start, months=stored["termMonths"],
        )
        before[member["code"]] = card["valid_to"].isoformat()
        after[member["code"]] = issued["valid_to"].isoformat()
    return {"before": before, "after": after, "termMonths": stored["termMonths"]}


KIND = Kind("HOUSEHOLD_RENEWAL", prepare, apply, paid=True)
