"""The partners' card check: is this BHYT card valid today for this holder? Recorded in the holder's access log.

A front desk names the card in one of three ways: the card number (or the 10-digit code) with the holder's name and
birth date, the chip ID card (CCCD) number with name and birth date, or the scanned QR code of the card image, whose
signed payload carries name and birth date itself. Each way spends the same budgets, finds the card by the same rule
(db/card_check.py), answers the same reasons and writes the same access-log entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import asyncpg
import strawberry

from auth.card_payload import MAX_TEXT_LENGTH, CardFacts
from auth.card_signing import Seal, card_signer
from auth.permissions import CanVerifyCards
from core.errors import ApiError, ErrorCode
from core.policy import CREDENTIALS
from core.text_ids import TextId
from core.texts import text
from db import card_check as sql
from db import throttle
from db.access_log import record_access
from loaders.base import Row
from loaders.context import Info
from resolvers.budgets import announce, rate_limited
from resolvers.inputs import MAX_NAME_LENGTH, collapsed_text
from schema.card_check import CardCheckReason, InsuranceCardCheck

_CARD_NUMBER = re.compile(r"^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$")
_SOCIAL_INSURANCE_CODE = re.compile(r"^[0-9]{10}$")
_NATIONAL_ID = re.compile(r"^[0-9]{12}$")
ACCESS_PURPOSE = "Kiểm tra thẻ BHYT"
ACCESS_CATEGORIES = ("INSURANCE_CARD",)
SEALS = {Seal.TAMPERED: CardCheckReason.TAMPERED, Seal.UNKNOWN_KEY: CardCheckReason.UNKNOWN_KEY}


def _card_key(card_number: str) -> tuple[str | None, str | None]:
    """(15-character card number, None) or (None, 10-digit code); INVALID_INPUT for anything else."""
    value = "".join(card_number.split()).upper()
    if _CARD_NUMBER.match(value):
        return value, None
    if _SOCIAL_INSURANCE_CODE.match(value):
        return None, value
    raise ApiError(
        ErrorCode.INVALID_INPUT,
        text(TextId.CARD_NUMBER_SHAPE),
        field="cardNumber",
    )


@dataclass(frozen=True, slots=True)
class Budget:
    """How many checks a partner key may make per minute, and how many that match no holder one card number or
    code may take per day from all keys together (a date of birth is one of ~36,500: guessing must stay hopeless)."""

    per_key: int = 600
    per_key_seconds: int = 60
    misses_per_target: int = 10
    per_target_seconds: int = 86_400


BUDGET = Budget()


@dataclass(frozen=True, slots=True)
class Lookup:
    """One check to run: `target` names the card (or holder) whose budget of misses it spends, `find` reads the card
    and tells whether what the caller holds was replaced since. No target: the answer is known without reading."""

    target: str | None
    find: Callable[[asyncpg.Connection], Awaitable[tuple[Row | None, bool]]] | None = None
    known: CardCheckReason = CardCheckReason.NOT_FOUND


def _by_facts(
    card_number: str | None, citizen_id: str | None, full_name: str | None, date_of_birth: dt.date | None
) -> Lookup:
    """By card number, code or CCCD number, with the holder's name and birth date (both required)."""
    if full_name is None or date_of_birth is None:
        raise ApiError(
            ErrorCode.INVALID_INPUT, text(TextId.CARD_NAME_AND_BIRTH_NEEDED),
            field="fullName" if full_name is None else "dateOfBirth",
        )
    name = collapsed_text(full_name, "fullName", min_length=1, max_length=MAX_NAME_LENGTH)
    number = code = national_id = None
    if card_number is not None:
        number, code = _card_key(card_number)
    else:
        national_id = "".join((citizen_id or "").split())
        if not _NATIONAL_ID.match(national_id):
            raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.CITIZEN_ID_FORMAT), field="citizenId")

    async def find(conn: asyncpg.Connection) -> tuple[Row | None, bool]:
        row = await sql.find_card(
            conn, card_number=number, code=code, national_id=national_id, full_name=name, date_of_birth=date_of_birth
        )
        return row, False

    return Lookup(f"card-check:target:{number or code or national_id}", find)


def _by_scan(info: Info, qr: str) -> Lookup:
    """By a scanned QR payload: its signature first, then the issue it names, as the card-number check reads it."""
    scanned = "".join(qr.split())
    if not scanned or len(scanned) > MAX_TEXT_LENGTH:
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.QR_LENGTH, maximum=MAX_TEXT_LENGTH), field="qr")
    opened = card_signer(info.context.settings).open(scanned)
    facts = opened.facts
    if facts is None:
        return Lookup(None, known=SEALS[opened.seal])

    async def find(conn: asyncpg.Connection) -> tuple[Row | None, bool]:
        row = await sql.find_issue(
            conn, card_number=facts.card_number, valid_from=facts.valid_from, full_name=facts.full_name,
            date_of_birth=facts.date_of_birth,
        )
        # A signed payload whose facts the card no longer has was printed before a reissue or a change: replaced.
        return row, row is not None and CardFacts.of_record(row) != facts

    return Lookup(f"card-check:target:{facts.card_number}", find)


def _lookup(
    info: Info,
    *,
    card_number: str | None,
    citizen_id: str | None,
    qr: str | None,
    full_name: str | None,
    date_of_birth: dt.date | None,
) -> Lookup:
    """Exactly one of cardNumber, citizenId and qr; INVALID_INPUT for any other combination."""
    given = [name for name, value in (("cardNumber", card_number), ("citizenId", citizen_id), ("qr", qr))
             if value is not None]
    if len(given) != 1:
        raise ApiError(
            ErrorCode.INVALID_INPUT, text(TextId.CARD_ONE_KEY), field=(given or ["qr"])[-1]
        )
    if qr is None:
        return _by_facts(card_number, citizen_id, full_name, date_of_birth)
    if full_name is not None or date_of_birth is not None:
        raise ApiError(
            ErrorCode.INVALID_INPUT, text(TextId.QR_ALONE), field="qr"
        )
    return _by_scan(info, qr)


async def _check(info: Info, lookup: Lookup) -> InsuranceCardCheck:
    viewer, headers = info.context.viewer, info.context.response.headers
    refused: throttle.Window | None = None
    check = InsuranceCardCheck.refused(lookup.known)
    # The budgets count in the same transaction as the read and its record, and commit with them.
    async with info.context.database.acquire() as conn, conn.transaction():
        spent = await throttle.hit(conn, f"card-check:key:{viewer.api_key_id}", BUDGET.per_key_seconds)
        announce(headers, BUDGET.per_key, spent.count)
        misses = None
        if lookup.target is not None:
            misses = await throttle.peek(conn, lookup.target, BUDGET.per_target_seconds)
        if spent.count > BUDGET.per_key:
            refused = spent
        elif misses is not None and misses.count >= BUDGET.misses_per_target:
            refused = misses
        elif lookup.target is not None and lookup.find is not None:
            row, replaced = await lookup.find(conn)
            check = InsuranceCardCheck.of_card(row, replaced=replaced)
            if check.reason is CardCheckReason.NOT_FOUND:
                await throttle.hit(conn, lookup.target, BUDGET.per_target_seconds)
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
    if refused is not None:
        raise rate_limited(headers, refused, text(TextId.CARD_CHECKS_TOO_MANY))
    return check


@strawberry.type
class CardCheckQuery:
    @strawberry.field(
        permission_classes=[CanVerifyCards],
        description="Give exactly one of: `cardNumber` (the 15-character card number or the 10-digit social "
        "insurance code) with `fullName` and `dateOfBirth`; `citizenId` (the 12-digit chip ID card, CCCD) with "
        "`fullName` and `dateOfBirth`; or `qr` alone (the text of a scanned card QR code, docs/api.md). Any other "
        "combination is INVALID_INPUT. Every check that finds a card is recorded in the holder's access log. A name "
        "or birth date that does not match answers NOT_FOUND, as an unknown card does. Each key has a budget per "
        "minute (X-RateLimit-* headers), and each card number, code or CCCD number a budget of checks that match no "
        "holder per day.",
        metadata=CREDENTIALS.metadata(),
    )
    async def verify_insurance_card(
        self,
        info: Info,
        *,
        card_number: str | None = None,
        full_name: str | None = None,
        date_of_birth: dt.date | None = None,
        citizen_id: Annotated[str | None, strawberry.argument(description="Số CCCD: 12 digits.")] = None,
        qr: Annotated[str | None, strawberry.argument(description="A scanned card QR payload (base64url).")] = None,
    ) -> InsuranceCardCheck | None:
        """Valid or not with the reason; card facts only when name and birth date match the holder."""
        lookup = _lookup(
            info, card_number=card_number, citizen_id=citizen_id, qr=qr, full_name=full_name,
            date_of_birth=date_of_birth,
        )
        return await _check(info, lookup)
