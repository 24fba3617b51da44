"""Điều chỉnh thông tin cá nhân: name, date of birth, address, with the reason; the officer sees the record and the
request side by side (`before`, `after`), and the approval writes the request to the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import Text, text
from db import application_effects as effects
from resolvers.applications.kinds import Kind, Prepared, Request

MAX_REASON = 500
FIELD = "detailsCorrection"


def _clean(value: Any, longest: int, message: Text, field: str) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(str(value).split())
    if not 0 < len(cleaned) <= longest or "\x00" in cleaned:
        raise Refusal(ErrorCode.INVALID_INPUT, message, f"{FIELD}.{field}")
    return cleaned


async def prepare(conn: asyncpg.Connection, person_id: int, request: Request, today: dt.date) -> Prepared:
    reason_length = text(TextId.APPLICATION_REASON_LENGTH, maximum=MAX_REASON)
    reason = _clean(request.get("reason"), MAX_REASON, reason_length, "reason")
    if reason is None:
        raise Refusal(ErrorCode.INVALID_INPUT, reason_length, f"{FIELD}.reason")
    wanted: dict[str, Any] = {
        "fullName": _clean(request.get("fullName"), 200, text(TextId.CORRECTION_NAME_LENGTH), "fullName"),
        "address": _clean(request.get("address"), 500, text(TextId.CORRECTION_ADDRESS_LENGTH), "address"),
        "dateOfBirth": request.get("dateOfBirth"),
    }
    if wanted["dateOfBirth"] is not None and not "1900-01-01" <= wanted["dateOfBirth"] <= today.isoformat():
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.CORRECTION_BIRTH_DATE), f"{FIELD}.dateOfBirth")
    person = await effects.person(conn, person_id)
    assert person is not None  # the signed-in person is on record
    record = {
        "fullName": person["full_name"], "address": person["address"],
        "dateOfBirth": person["date_of_birth"].isoformat(),
    }
    after = {k: v for k, v in wanted.items() if v is not None and v != record[k]}
    if not after:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.CORRECTION_NOTHING), FIELD)
    request_stored = {k: v for k, v in wanted.items() if v is not None} | {"reason": reason}
    return Prepared({"request": request_stored, "before": {k: record[k] for k in after}, "after": after})


async def apply(conn: asyncpg.Connection, person_id: int, stored: dict[str, Any], today: dt.date) -> dict[str, Any]:
    after = stored["after"]
    person = await effects.person(conn, person_id)
    assert person is not None
    before = {
        "fullName": person["full_name"], "address": person["address"],
        "dateOfBirth": person["date_of_birth"].isoformat(),
    }
    birth = after.get("dateOfBirth")
    await effects.correct_person(
        conn, person_id, full_name=after.get("fullName"), address=after.get("address"),
        date_of_birth=dt.date.fromisoformat(birth) if birth else None,
    )
    return {"before": {k: before[k] for k in after}, "after": after, "reason": stored["request"]["reason"]}


KIND = Kind("DETAILS_CORRECTION", prepare, apply)
