"""One-time codes by SMS: 6 digits, alive 5 minutes, 5 tries, re-sent at most every 60 s and a few times an hour."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

import asyncpg

from auth.refusal import Refusal
from auth.tokens import hash_token, token_hashes
from core.errors import ErrorCode
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db import otp as sql
from db import outbox, throttle

HOUR_SECONDS = 3600
# SMS costs money and can be aimed at strangers' phones: a client address gets a budget too.
MAX_SENDS_PER_ADDRESS_PER_HOUR = 30
PURPOSE_TEXT = {"REGISTRATION": "dang ky tai khoan", "PASSWORD_RESET": "dat lai mat khau"}


@dataclass(frozen=True, slots=True)
class SentCode:
    expires_at: dt.datetime
    resend_available_at: dt.datetime


def _code_value(phone: str, purpose: str, code: str) -> str:
    return f"{purpose}:{phone}:{code}"


async def _check_send_limits(
    conn: asyncpg.Connection, settings: Settings, phone: str, purpose: str, address: str | None
) -> dt.datetime:
    """Count this send atomically; refuse when too soon or too often. Return when the next send is allowed."""
    soon = await throttle.hit(conn, f"otp:resend:{purpose}:{phone}", settings.otp_resend_seconds)
    if soon.count > 1:
        raise Refusal(
            ErrorCode.OTP_RESEND_TOO_SOON, text(TextId.OTP_RESEND_TOO_SOON), "phone", retry_at=soon.resets_at
        )
    hourly = await throttle.hit(conn, f"otp:hour:{purpose}:{phone}", HOUR_SECONDS)
    per_address = await throttle.hit(conn, f"otp:address:{address}", HOUR_SECONDS)
    if hourly.count > settings.otp_max_per_hour or per_address.count > MAX_SENDS_PER_ADDRESS_PER_HOUR:
        retry_at = max(hourly.resets_at, per_address.resets_at)
        raise Refusal(ErrorCode.RATE_LIMITED, text(TextId.OTP_TOO_MANY_ASKED), "phone", retry_at=retry_at)
    return soon.resets_at


async def send_code(
    conn: asyncpg.Connection,
    settings: Settings,
    *,
    phone: str,
    purpose: str,
    address: str | None,
    deliver: bool = True,
) -> SentCode:
    """Create a code and queue its SMS. With deliver=False (a reset asked for a phone without an account)
    everything happens the same except the SMS, so the answer tells nothing."""
    resend_at = await _check_send_limits(conn, settings, phone, purpose, address)
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_hash = hash_token(_code_value(phone, purpose, code))
    row = await sql.create_challenge(conn, phone, purpose, code_hash, settings.otp_ttl_seconds)
    if deliver:
        minutes = settings.otp_ttl_seconds // 60
        await outbox.enqueue(
            conn,
            dedupe_key=f"otp:{row['id']}",
            person_id=None,
            channel="SMS",
            recipient=phone,
            body=f"VssID: ma OTP {PURPOSE_TEXT[purpose]} la {code}, hieu luc {minutes} phut. Khong chia se ma nay.",
        )
    return SentCode(expires_at=row["expires_at"], resend_available_at=resend_at)


def code_is_right(challenge: asyncpg.Record, phone: str, purpose: str, code: str) -> bool:
    """Whether `code` is the challenge's (tried under every key: keys rotate)."""
    stored = challenge["code_hash"]
    return any(hmac.compare_digest(stored, h) for h in token_hashes(_code_value(phone, purpose, code)))


async def live_challenge(
    conn: asyncpg.Connection, settings: Settings, phone: str, purpose: str
) -> asyncpg.Record | None:
    """The phone's code for `purpose` that can still be used: not consumed, not expired, not tried out."""
    challenge = await sql.latest_challenge(conn, phone, purpose)
    if challenge is None or challenge["consumed_at"] is not None or challenge["expired"]:
        return None
    return None if challenge["attempts"] >= settings.otp_max_attempts else challenge


async def check_code(conn: asyncpg.Connection, settings: Settings, *, phone: str, purpose: str, code: str) -> int:
    """Return the live challenge's id when `code` is right; count the try either way. The caller consumes it."""
    challenge = await sql.latest_challenge(conn, phone, purpose)
    if challenge is None or challenge["consumed_at"] is not None:
        raise Refusal(ErrorCode.OTP_INVALID, text(TextId.OTP_WRONG_OR_USED), "otp")
    if challenge["expired"]:
        raise Refusal(ErrorCode.OTP_EXPIRED, text(TextId.OTP_EXPIRED), "otp")
    if challenge["attempts"] >= settings.otp_max_attempts:
        raise Refusal(ErrorCode.OTP_TOO_MANY_ATTEMPTS, text(TextId.OTP_BURNT), "otp")
    if not code_is_right(challenge, phone, purpose, code):
        await burn_attempt(conn, settings, challenge["id"])
        raise Refusal(ErrorCode.OTP_INVALID, text(TextId.OTP_WRONG), "otp")
    challenge_id: int = challenge["id"]
    return challenge_id


async def burn_attempt(conn: asyncpg.Connection, settings: Settings, challenge_id: int) -> None:
    """Count a failed try; a right code used with wrong details costs a try too, so it cannot probe identities."""
    attempts = await sql.count_attempt(conn, challenge_id)
    if attempts >= settings.otp_max_attempts:
        raise Refusal(ErrorCode.OTP_TOO_MANY_ATTEMPTS, text(TextId.OTP_TOO_MANY_TRIES), "otp")


async def consume(conn: asyncpg.Connection, challenge_id: int) -> None:
    await sql.consume(conn, challenge_id)
