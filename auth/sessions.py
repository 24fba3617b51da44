"""Sessions: a short-lived access token and a refresh token rotated on every use, both opaque, stored as hashes.

Both name their person in front of the secret (`vsa_<person id>.<secret>`, auth/tokens.py), so that every look-up is
one person's (docs/scale.md, 'Sessions'). A token that does not parse is not found, as an unknown one.

Reusing a refresh token that was already rotated means it leaked: the whole family (every session descended from
the same login) is revoked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import asyncpg

from auth.refusal import Refusal
from auth.tokens import hash_token, new_person_token, token_hashes, token_person
from core.errors import ErrorCode
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db import accounts as account_sql
from db import audit
from db import sessions as sql

ACCESS_PREFIX = "vsa_"
REFRESH_PREFIX = "vsr_"


@dataclass(frozen=True, slots=True)
class TokenLookup:
    """What a session token is looked up by: the person it names and its hashes under every key."""

    person_id: int
    hashes: list[bytes]


def token_lookup(prefix: str, token: str) -> TokenLookup | None:
    person_id = token_person(prefix, token)
    return None if person_id is None else TokenLookup(person_id, token_hashes(token))


def access_token_lookup(token: str) -> TokenLookup | None:
    """How to find a bearer access token's session; None (not found, anonymous) when it does not parse."""
    return token_lookup(ACCESS_PREFIX, token)


@dataclass(frozen=True, slots=True)
class IssuedSession:
    session_id: int
    family_id: uuid.UUID
    access_token: str
    refresh_token: str
    access_expires_at: dt.datetime
    password_change_only: bool


def password_expires_at(settings: Settings, password_changed_at: dt.datetime) -> dt.datetime:
    return password_changed_at + dt.timedelta(days=settings.password_max_age_days)


def must_change_password(settings: Settings, account: asyncpg.Record, now: dt.datetime) -> bool:
    """A temporary (issued) password or one older than the maximum age may only be changed."""
    expired = password_expires_at(settings, account["password_changed_at"]) <= now
    return bool(account["must_change_password"]) or expired


async def issue_session(
    conn: asyncpg.Connection,
    settings: Settings,
    *,
    person_id: int,
    password_change_only: bool,
    client_address: str | None,
    family_id: uuid.UUID | None = None,
) -> IssuedSession:
    now = dt.datetime.now(dt.UTC)
    access, refresh = new_person_token(ACCESS_PREFIX, person_id), new_person_token(REFRESH_PREFIX, person_id)
    access_expires_at = now + dt.timedelta(minutes=settings.access_token_minutes)
    family = family_id or uuid.uuid4()
    session_id = await sql.insert_session(
        conn,
        person_id=person_id,
        family_id=family,
        access_token_hash=hash_token(access),
        refresh_token_hash=hash_token(refresh),
        access_expires_at=access_expires_at,
        refresh_expires_at=now + dt.timedelta(days=settings.refresh_token_days),
        password_change_only=password_change_only,
        client_address=client_address,
    )
    return IssuedSession(session_id, family, access, refresh, access_expires_at, password_change_only)


async def refresh_session(
    conn: asyncpg.Connection, settings: Settings, refresh_token: str, client_address: str | None
) -> IssuedSession:
    invalid = Refusal(ErrorCode.REFRESH_TOKEN_INVALID, text(TextId.SIGN_IN_AGAIN), "refreshToken")
    lookup = token_lookup(REFRESH_PREFIX, refresh_token)
    row = None if lookup is None else await sql.session_by_refresh_token(conn, lookup.person_id, lookup.hashes)
    if row is None:
        raise invalid
    if row["rotated_at"] is not None:
        await sql.revoke_family(conn, row["person_id"], row["family_id"])
        await audit.record_event(
            conn,
            "refresh_token_reused",
            actor_kind="CITIZEN",
            actor_ref=str(row["person_id"]),
            person_id=row["person_id"],
            client_address=client_address,
            details={"session": row["id"]},
        )
        raise invalid
    account = await account_sql.account_by_person(conn, row["person_id"])
    now = dt.datetime.now(dt.UTC)
    if row["revoked_at"] is not None or row["refresh_expires_at"] <= now or account is None:
        raise invalid
    if account["status"] != "ACTIVE":
        raise invalid
    await sql.rotate(conn, row["person_id"], row["id"])
    return await issue_session(
        conn,
        settings,
        person_id=row["person_id"],
        password_change_only=must_change_password(settings, account, now),
        client_address=client_address,
        family_id=row["family_id"],
    )


async def logout(conn: asyncpg.Connection, person_id: int, session_id: int) -> bool:
    """End the session's whole family, so its refresh token dies with it."""
    family = await sql.family_of(conn, person_id, session_id)
    if family is None:
        return False
    await sql.revoke_family(conn, person_id, family)
    return True
