"""Cấp lại thẻ BHYT (lost, damaged, details changed): the same number with a new issue date; a QR code printed
before it no longer matches the card, so the front desk's check answers REVOKED for it (resolvers/card_check.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import text
from db import application_effects as effects
from resolvers.applications.kinds import Kind, Prepared, Request

REASONS = ("LOST", "DAMAGED", "DETAILS_CHANGED")


async def _card(conn: asyncpg.Connection, person_id: int, today: dt.date) -> asyncpg.Record:
    card = await effects.card_on(conn, person_id, today)
    if card is None:
        raise Refusal(ErrorCode.NO_CARD_IN_FORCE, text(TextId.NO_CARD_IN_FORCE))
    return card


async def prepare(conn: asyncpg.Connection, person_id: int, request: Request, today: dt.date) -> Prepared:
    reason = request.get("reason")
    assert reason in REASONS  # the GraphQL enum admits nothing else
    card = await _card(conn, person_id, today)
    return Prepared(
        {
            "request": {"reason": reason},
            "before": {"cardNumber": card["card_number"], "issuedOn": card["issued_on"].isoformat()},
        }
    )


async def apply(conn: asyncpg.Connection, person_id: int, stored: dict[str, Any], today: dt.date) -> dict[str, Any]:
    card = await _card(conn, person_id, today)
    issued = await effects.reissue(conn, person_id, card["id"])
    return {
        "before": {"cardNumber": card["card_number"], "issuedOn": card["issued_on"].isoformat()},
        "after": {"cardNumber": card["card_number"], "issuedOn": issued["issued_on"].isoformat()},
    }


KIND = Kind("CARD_REISSUE", prepare, apply)
