"""Đổi nơi đăng ký KCB ban đầu: within the change window, to a facility that accepts initial registration and suits
the person (the rule as data: facility_change_rules); the card carries it from the first day of the next quarter."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import asyncpg

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import text
from db import application_effects as effects
from db import applications as sql
from resolvers.applications.kinds import Kind, Prepared, Request
from resolvers.applications.quarters import in_window, next_quarter_start

FACILITY_CODE = re.compile(r"[0-9]{2}[0-9A-Z]{3}")
# Only these kinds treat patients; an agency or a collection point never accepts registration.
CARE_KINDS = ("HOSPITAL", "CLINIC", "HEALTH_STATION")
FIELD = "primaryFacilityChange.facilityCode"


def _refuse(reason: TextId) -> Refusal:
    return Refusal(ErrorCode.FACILITY_NOT_ELIGIBLE, text(reason), FIELD)


async def prepare(conn: asyncpg.Connection, person_id: int, request: Request, today: dt.date) -> Prepared:
    code = str(request.get("facilityCode", "")).strip().upper()
    if not FACILITY_CODE.fullmatch(code):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.FACILITY_CODE_FORMAT), FIELD)
    rule = await sql.facility_change_rule(conn, today)
    window_days = rule["window_days"] if rule else 0
    if not in_window(today, window_days):
        raise Refusal(ErrorCode.APPLICATION_WINDOW_CLOSED, text(TextId.FACILITY_CHANGE_WINDOW_CLOSED, days=window_days))
    assert rule is not None  # a window of 0 days is closed above
    card = await effects.card_on(conn, person_id, today)
    if card is None:
        raise Refusal(ErrorCode.NO_CARD_IN_FORCE, text(TextId.NO_CARD_IN_FORCE))
    facility = await effects.facility_by_code(conn, code)
    if facility is None or facility["kind"] not in CARE_KINDS or not facility["accepts_initial_registration"]:
        raise _refuse(TextId.FACILITY_NOT_INITIAL)
    if facility["level"] not in rule["levels"]:
        raise _refuse(TextId.FACILITY_LEVEL_NOT_ALLOWED)
    person = await effects.person(conn, person_id)
    assert person is not None  # the signed-in person is on record
    if rule["same_province"] and facility["province_code"] != person["province_code"]:
        raise _refuse(TextId.FACILITY_OTHER_PROVINCE)
    if facility["id"] == card["primary_facility_id"]:
        raise _refuse(TextId.FACILITY_ALREADY_REGISTERED)
    return Prepared(
        {
            "request": {"facilityCode": code},
            "facilityId": facility["id"],
            "before": {"facilityCode": card["facility_code"]},
            "after": {"facilityCode": code},
        }
    )


async def apply(conn: asyncpg.Connection, person_id: int, stored: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """From the first day of the quarter after the approval (the change never reaches back)."""
    from_day = next_quarter_start(today)
    changed = await effects.change_facility(conn, person_id, stored["facilityId"], from_day)
    return {**{k: stored[k] for k in ("before", "after")}, "effectiveFrom": from_day.isoformat(), "issues": changed}


KIND = Kind("PRIMARY_FACILITY_CHANGE", prepare, apply)
