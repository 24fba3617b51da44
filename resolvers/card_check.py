"""The partners' card check: is this BHYT card valid today for this holder? Recorded in the holder's access log."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import strawberry

from auth.permissions import CanVerifyCards
from core.errors import ApiError, ErrorCode
from core.policy import CREDENTIALS
from db import card_check as sql
from db import throttle
from db.access_log import record_access
from loaders.context import Info
from resolvers.budgets import announce, rate_limited
from resolvers.inputs import MAX_NAME_LENGTH, collapsed_text
from schema.card_check import CardCheckReason, InsuranceCardCheck

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


@dataclass(frozen=True, slots=True)
class Budget:
    """How many checks a partner key may make per minute, and how many that match no holder one card number or
    code may take per day from all keys together (a date of birth is one of ~36,500: guessing must stay hopeless)."""

    per_key: int = 600
    per_key_seconds: int = 60
    misses_per_target: int = 10
    per_target_seconds: int = 86_400


BUDGET = Budget()


@strawberry.type
class CardCheckQuery:
    @strawberry.field(
        permission_classes=[CanVerifyCards],
        description="cardNumber: the 15-character card number or the 10-digit social insurance code. "
        "Every check that finds a card is recorded in the holder's access log. A name or birth date that does not "
        "match answers NOT_FOUND, as an unknown card does. Each key has a budget per minute (X-RateLimit-* "
        "headers), and each card number a budget of checks that match no holder per day.",
        metadata=CREDENTIALS.metadata(),
    )
    async def verify_insurance_card(
        self, info: Info, card_number: str, full_name: str, date_of_birth: dt.date
    ) -> InsuranceCardCheck | None:
        """Valid or not with the reason; card facts only when name and birth date match the holder."""
        number, code = _card_key(card_number)
        name = collapsed_text(full_name, "fullName", min_length=1, max_length=MAX_NAME_LENGTH)
        viewer, headers = info.context.viewer, info.context.response.headers
        target = f"card-check:target:{number or code}"
        refused: throttle.Window | None = None
        # The budgets count in the same transaction as the read and its record, and commit with them.
        async with info.context.database.acquire() as conn, conn.transaction():
            spent = await throttle.hit(conn, f"card-check:key:{viewer.api_key_id}", BUDGET.per_key_seconds)
            announce(headers, BUDGET.per_key, spent.count)
            misses = await throttle.peek(conn, target, BUDGET.per_target_seconds)
            if spent.count > BUDGET.per_key:
                refused = spent
            elif misses is not None and misses.count >= BUDGET.misses_per_target:
                refused = misses
            else:
                row = await sql.find_card(
                    conn, card_number=number, code=code, full_name=name, date_of_birth=date_of_birth
                )
                check = InsuranceCardCheck.of_card(row)
                if check.reason is CardCheckReason.NOT_FOUND:
                    await throttle.hit(conn, target, BUDGET.per_target_seconds)
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
            raise rate_limited(headers, refused, "too many card checks; retry later")
        return check
