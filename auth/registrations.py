"""Registration for an electronic transaction account, as the agency runs it.

Online: the phone is confirmed by OTP and the details must match one person on record; the registration then waits
at the chosen agency, where the person brings the signed declaration and their ID. The agency approves (an account
with a temporary password, sent by SMS) or rejects with a reason; either way the person hears by SMS and e-mail.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass

import asyncpg

from auth import otp
from auth.accounts import CODE_PATTERN, OTP_PATTERN, PHONE_PATTERN
from auth.passwords import hash_password_async
from auth.refusal import Refusal
from core.errors import ErrorCode
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db import accounts as account_sql
from db import audit, outbox
from db import registrations as sql

NATIONAL_ID_PATTERN = re.compile(r"[0-9]{12}")
AGENCY_CODE_PATTERN = re.compile(r"[0-9]{2}[0-9A-Z]{3}")
EMAIL_PATTERN = re.compile(r"[^@\s\x00]{1,64}@[^@\s\x00]{1,190}\.[^@\s\x00]{1,63}")
MAX_REASON_LENGTH = 500
# No look-alikes (0/O, 1/l/I) in a password read off an SMS.
TEMPORARY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
TEMPORARY_LENGTH = 12


@dataclass(frozen=True, slots=True)
class RegistrationRequest:
    social_insurance_code: str
    national_id_number: str
    full_name: str
    date_of_birth: dt.date
    phone: str
    email: str | None
    otp: str
    agency_code: str


@dataclass(frozen=True, slots=True)
class Officer:
    """The agency officer deciding (cán bộ cơ quan BHXH), for their own agency only."""

    person_id: int
    agency_id: int
    address: str | None


def same_name(a: str, b: str) -> bool:
    """Names compare in Unicode NFC, ignoring case and spacing, but not diacritics: 'Lê' is not 'Le'."""

    def norm(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return norm(a) == norm(b)


def _check_formats(request: RegistrationRequest) -> None:
    checks = [
        (CODE_PATTERN.fullmatch(request.social_insurance_code), "socialInsuranceCode",
         TextId.REGISTRATION_CODE_FORMAT),
        (NATIONAL_ID_PATTERN.fullmatch(request.national_id_number), "nationalIdNumber",
         TextId.REGISTRATION_NATIONAL_ID_FORMAT),
        (0 < len(request.full_name.strip()) <= 200 and "\x00" not in request.full_name, "fullName",
         TextId.REGISTRATION_NAME_LENGTH),
        (PHONE_PATTERN.fullmatch(request.phone), "phone", TextId.REGISTRATION_PHONE_FORMAT),
        (request.email is None or EMAIL_PATTERN.fullmatch(request.email), "email", TextId.REGISTRATION_EMAIL_FORMAT),
        (OTP_PATTERN.fullmatch(request.otp), "otp", TextId.REGISTRATION_OTP_FORMAT),
        (AGENCY_CODE_PATTERN.fullmatch(request.agency_code), "agencyCode", TextId.REGISTRATION_AGENCY_CODE_FORMAT),
    ]
    for ok, field, expected in checks:
        if not ok:
            raise Refusal(ErrorCode.INVALID_INPUT, text(expected), field)


async def submit(
    conn: asyncpg.Connection, settings: Settings, request: RegistrationRequest, address: str | None
) -> asyncpg.Record:
    _check_formats(request)
    agency_id = await sql.agency_id_by_code(conn, request.agency_code)
    if agency_id is None:
        raise Refusal(ErrorCode.UNKNOWN_AGENCY, text(TextId.UNKNOWN_AGENCY), "agencyCode")
    challenge_id = await otp.check_code(conn, settings, phone=request.phone, purpose="REGISTRATION", code=request.otp)
    person = await sql.person_by_code(conn, request.social_insurance_code)
    if (
        person is None
        or person["national_id"] != request.national_id_number
        or person["date_of_birth"] != request.date_of_birth
        or not same_name(person["full_name"], request.full_name)
    ):
        await otp.burn_attempt(conn, settings, challenge_id)
        raise Refusal(ErrorCode.REGISTRATION_MISMATCH, text(TextId.REGISTRATION_MISMATCH))
    person_id: int = person["id"]
    if await account_sql.account_exists(conn, person_id) or await sql.has_pending(conn, person_id):
        raise Refusal(ErrorCode.ALREADY_REGISTERED, text(TextId.REGISTRATION_ACCOUNT_OR_PENDING))
    try:
        async with conn.transaction():  # a savepoint: a racing twin submission must not abort the whole transaction
            row = await sql.insert_registration(conn, person_id, agency_id, request.phone, request.email)
    except asyncpg.UniqueViolationError:
        raise Refusal(ErrorCode.ALREADY_REGISTERED, text(TextId.REGISTRATION_PENDING)) from None
    await otp.consume(conn, challenge_id)
    await audit.record_event(
        conn,
        "registration_submitted",
        actor_kind="ANONYMOUS",
        person_id=person_id,
        client_address=address,
        details={"registration": row["id"]},
    )
    return row


def temporary_password() -> str:
    while True:
        password = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


async def _decision_for_update(conn: asyncpg.Connection, registration_id: int, agency_id: int) -> asyncpg.Record:
    row = await sql.registration_for_decision(conn, registration_id, agency_id)
    if row is None:
        raise Refusal(ErrorCode.NOT_FOUND, text(TextId.REGISTRATION_NOT_FOUND), "id")
    if row["status"] != "PENDING":
        raise Refusal(ErrorCode.ALREADY_DECIDED, text(TextId.REGISTRATION_DECIDED), "id")
    return row


async def _notify(conn: asyncpg.Connection, row: asyncpg.Record, kind: str, sms: str, email_body: str) -> None:
    key = f"registration:{row['id']}:{kind}"
    await outbox.enqueue(
        conn, dedupe_key=f"{key}:sms", person_id=row["person_id"], channel="SMS", recipient=row["phone"], body=sms
    )
    if row["email"]:
        await outbox.enqueue(
            conn,
            dedupe_key=f"{key}:email",
            person_id=row["person_id"],
            channel="EMAIL",
            recipient=row["email"],
            subject="VssID: ket qua dang ky tai khoan",
            body=email_body,
        )


async def approve(conn: asyncpg.Connection, registration_id: int, officer: Officer) -> asyncpg.Record:
    """Issue the account with a temporary password (sent by SMS only) that must be changed at first login."""
    row = await _decision_for_update(conn, registration_id, officer.agency_id)
    password = temporary_password()
    if not await account_sql.insert_account(conn, row["person_id"], await hash_password_async(password)):
        raise Refusal(ErrorCode.ALREADY_REGISTERED, text(TextId.REGISTRATION_HOLDS_ACCOUNT), "id")
    decided = await sql.decide(conn, registration_id, "APPROVED", officer.person_id, None)
    code = decided["social_insurance_code"]
    await _notify(
        conn,
        decided,
        "approved",
        f"VssID: tai khoan {code} da duoc kich hoat. Mat khau tam thoi: {password} - doi mat khau khi dang nhap.",
        f"Tai khoan VssID {code} da duoc kich hoat. Mat khau tam thoi da gui qua SMS; hay doi khi dang nhap lan dau.",
    )
    await _record_decision(conn, decided, "registration_approved", officer)
    return decided


async def reject(conn: asyncpg.Connection, registration_id: int, reason: str, officer: Officer) -> asyncpg.Record:
    reason = reason.strip()
    if not 0 < len(reason) <= MAX_REASON_LENGTH or "\x00" in reason:  # PostgreSQL text cannot hold NUL
        too_long = text(TextId.REJECTION_REASON_LENGTH, maximum=MAX_REASON_LENGTH)
        raise Refusal(ErrorCode.INVALID_INPUT, too_long, "reason")
    await _decision_for_update(conn, registration_id, officer.agency_id)
    decided = await sql.decide(conn, registration_id, "REJECTED", officer.person_id, reason)
    message = f"VssID: dang ky tai khoan chua duoc chap nhan. Ly do: {reason}. Vui long sua va dang ky lai."
    await _notify(conn, decided, "rejected", message, message)
    await _record_decision(conn, decided, "registration_rejected", officer)
    return decided


async def _record_decision(conn: asyncpg.Connection, row: asyncpg.Record, event: str, officer: Officer) -> None:
    await audit.record_event(
        conn,
        event,
        actor_kind="AGENCY_OFFICER",
        actor_ref=str(officer.person_id),
        person_id=row["person_id"],
        client_address=officer.address,
        details={"registration": row["id"]},
    )
