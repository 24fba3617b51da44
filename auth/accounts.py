"""Log in, change and reset the password, and ask for a one-time code.

An unknown code and a wrong password take the same time and get the same answer: an unknown code is checked
against a dummy hash and counted by the same throttling keys.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass, replace

import asyncpg

from auth import otp, sessions, throttling
from auth.password_policy import MAX_LENGTH, PasswordOwner, password_problem
from auth.passwords import hash_password, hash_password_async, needs_rehash, verify_password_async
from auth.refusal import Refusal
from core.errors import ErrorCode
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db import accounts as sql
from db import audit
from db import sessions as session_sql

# ASCII digits only: str.isdigit() would also take Arabic-Indic or full-width digits.
CODE_PATTERN = re.compile(r"[0-9]{10}")
PHONE_PATTERN = re.compile(r"0[0-9]{9}")
OTP_PATTERN = re.compile(r"[0-9]{6}")
_dummy_hash: str | None = None


@dataclass(frozen=True, slots=True)
class LoginResult:
    session: sessions.IssuedSession
    must_change_password: bool
    password_expires_at: dt.datetime


async def _dummy_password_hash() -> str:
    global _dummy_hash  # noqa: PLW0603 - computed once, lazily, off the event loop
    if _dummy_hash is None:
        _dummy_hash = await asyncio.to_thread(hash_password, "not-a-real-password-for-timing")
    return _dummy_hash


def check_code_format(code: str, field: str = "socialInsuranceCode") -> None:
    if not CODE_PATTERN.fullmatch(code):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.CODE_FORMAT), field)


def check_new_password(password: str, account: asyncpg.Record, field: str = "newPassword") -> None:
    owner = PasswordOwner(account["social_insurance_code"], account["full_name"], account["date_of_birth"])
    problem = password_problem(password, owner)
    if problem is not None:
        raise Refusal(ErrorCode.WEAK_PASSWORD, problem, field)


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """What login read before checking the password; the check itself needs no database connection."""

    code: str
    address: str | None
    account: asyncpg.Record | None
    # Set when this attempt, if wrong, is the one that blocks further attempts.
    blocks_until: dt.datetime | None
    verified: bool = False
    new_hash: str | None = None


async def begin_login(conn: asyncpg.Connection, code: str, password: str, address: str | None) -> LoginAttempt:
    """Check the input, count the attempt against the throttle (commit this), and read the account."""
    check_code_format(code)
    if len(password) > MAX_LENGTH:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.PASSWORD_AT_MOST, maximum=MAX_LENGTH), "password")
    allowed, blocked = await throttling.reserve_attempt(conn, code, address)
    if not allowed:
        raise Refusal(ErrorCode.ACCOUNT_LOCKED, text(TextId.ACCOUNT_LOCKED), retry_at=blocked)
    return LoginAttempt(code, address, await sql.account_by_code(conn, code), blocked)


async def check_password(attempt: LoginAttempt, password: str) -> LoginAttempt:
    """Verify off the event loop, against a dummy hash for an unknown code; rehash when the parameters changed."""
    account = attempt.account
    stored_hash = account["password_hash"] if account else await _dummy_password_hash()
    verified = await verify_password_async(stored_hash, password) and account is not None
    new_hash = await hash_password_async(password) if verified and needs_rehash(stored_hash) else None
    return replace(attempt, verified=verified, new_hash=new_hash)


async def withdraw_login(conn: asyncpg.Connection, attempt: LoginAttempt) -> None:
    """The password could not be checked (argon2 work is full): take the counted attempt back."""
    await throttling.withdraw_attempt(conn, attempt.code, attempt.address)


async def finish_login(conn: asyncpg.Connection, settings: Settings, attempt: LoginAttempt) -> LoginResult:
    """Record a failure (already counted) or open the session. Commit after a Refusal too."""
    code, address, account = attempt.code, attempt.address, attempt.account
    if not attempt.verified or account is None:
        blocked = attempt.blocks_until
        await audit.record_event(
            conn,
            "login_failed",
            actor_kind="ANONYMOUS",
            person_id=account["person_id"] if account else None,
            client_address=address,
            details={"blocked_until": blocked.isoformat() if blocked else None},
        )
        raise Refusal(ErrorCode.INVALID_CREDENTIALS, text(TextId.LOGIN_WRONG), retry_at=blocked)
    person_id: int = account["person_id"]
    await throttling.forgive_attempt(conn, code, address)
    if account["status"] != "ACTIVE":
        raise Refusal(ErrorCode.ACCOUNT_DISABLED, text(TextId.ACCOUNT_DISABLED))
    if attempt.new_hash is not None:
        await sql.rehash(conn, person_id, attempt.new_hash)
    await sql.record_login(conn, person_id)
    change_only = sessions.must_change_password(settings, account, dt.datetime.now(dt.UTC))
    session = await sessions.issue_session(
        conn, settings, person_id=person_id, password_change_only=change_only, client_address=address
    )
    await audit.record_citizen_event(conn, "login", person_id, address, {"password_change_only": change_only})
    expires = sessions.password_expires_at(settings, account["password_changed_at"])
    return LoginResult(session=session, must_change_password=change_only, password_expires_at=expires)


async def change_password(
    conn: asyncpg.Connection,
    settings: Settings,
    *,
    person_id: int,
    session_id: int | None,
    current_password: str,
    new_password: str,
    address: str | None,
) -> dt.datetime:
    """Return when the new password expires. Every other session of the person ends."""
    account = await sql.account_by_person(conn, person_id)
    if account is None or len(current_password) > MAX_LENGTH:
        raise Refusal(ErrorCode.INVALID_CREDENTIALS, text(TextId.CURRENT_PASSWORD_WRONG), "currentPassword")
    # Counted before the check, under the counter's lock, as logins are: parallel guesses cannot exceed the allowance.
    blocked = await throttling.reserve_password_check(conn, person_id)
    if blocked is not None:
        raise Refusal(ErrorCode.RATE_LIMITED, text(TextId.CURRENT_PASSWORD_TOO_MANY), retry_at=blocked)
    if not await verify_password_async(account["password_hash"], current_password):
        await audit.record_citizen_event(conn, "password_change_failed", person_id, address)
        raise Refusal(ErrorCode.INVALID_CREDENTIALS, text(TextId.CURRENT_PASSWORD_WRONG), "currentPassword")
    await throttling.forgive_password_check(conn, person_id)
    if new_password == current_password:
        raise Refusal(ErrorCode.PASSWORD_REUSED, text(TextId.PASSWORD_REUSED), "newPassword")
    check_new_password(new_password, account)
    changed = await sql.set_password(conn, person_id, await hash_password_async(new_password))
    family = await session_sql.family_of(conn, person_id, session_id) if session_id is not None else None
    await session_sql.revoke_others(conn, person_id, family)
    if family is not None:
        await session_sql.unrestrict_family(conn, person_id, family)
    await audit.record_citizen_event(conn, "password_changed", person_id, address)
    return sessions.password_expires_at(settings, changed["password_changed_at"])


async def request_otp(
    conn: asyncpg.Connection, settings: Settings, phone: str, purpose: str, address: str | None
) -> otp.SentCode:
    """A reset code goes out only to a phone with an account, but the answer is the same either way."""
    if not PHONE_PATTERN.fullmatch(phone):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.PHONE_FORMAT), "phone")
    deliver = purpose != "PASSWORD_RESET" or await sql.phone_has_account(conn, phone)
    return await otp.send_code(conn, settings, phone=phone, purpose=purpose, address=address, deliver=deliver)


async def reset_password(
    conn: asyncpg.Connection,
    settings: Settings,
    *,
    code: str,
    one_time_code: str,
    new_password: str,
    address: str | None,
) -> None:
    """Set a new password with a code sent to the account's phone; every session of the person ends."""
    check_code_format(code)
    if not OTP_PATTERN.fullmatch(one_time_code):
        raise Refusal(ErrorCode.OTP_INVALID, text(TextId.OTP_FORMAT), "otp")
    # Tries are counted like logins, per code typed (whether or not it has an account) and per address, with blocks
    # that end: a stranger who knows the social insurance code cannot burn the owner's live code, and one answer
    # (OTP_INVALID) covers a wrong, expired or used code and an unknown account, so nothing tells them apart.
    allowed, blocked = await throttling.reserve_attempt(conn, code, address, kind="reset")
    if not allowed:
        raise Refusal(ErrorCode.RATE_LIMITED, text(TextId.OTP_TOO_MANY_WRONG), "otp", retry_at=blocked)
    account = await sql.account_by_code(conn, code)
    phone = await sql.account_phone(conn, account["person_id"]) if account else None
    challenge = await otp.live_challenge(conn, settings, phone, "PASSWORD_RESET") if phone else None
    if account is None or phone is None or challenge is None or not otp.code_is_right(
        challenge, phone, "PASSWORD_RESET", one_time_code
    ):
        raise Refusal(ErrorCode.OTP_INVALID, text(TextId.OTP_WRONG_EXPIRED_OR_USED), "otp")
    await throttling.forgive_attempt(conn, code, address, kind="reset")
    # After a right code the person has shown they hold the phone: a weak password does not cost the code.
    check_new_password(new_password, account)
    await otp.consume(conn, challenge["id"])
    person_id: int = account["person_id"]
    await sql.set_password(conn, person_id, await hash_password_async(new_password))
    await session_sql.revoke_others(conn, person_id, None)
    await throttling.clear_device(conn, code, address)
    await audit.record_citizen_event(conn, "password_reset", person_id, address)
