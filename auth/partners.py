"""Partner API keys: random, shown once, stored as a SHA-256 hash and named by their first characters."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from auth.request import KEY_PREFIX_LENGTH
from auth.tokens import hash_token, new_token
from db import audit
from db import partners as sql

SCOPES = ("directory:read", "card:verify")
KEY_PREFIX = "vsk_"


class PartnerError(ValueError):
    """The operator asked for something impossible; the message says what."""


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str
    prefix: str
    partner_id: int
    scopes: tuple[str, ...]


def parse_scopes(raw: str) -> tuple[str, ...]:
    scopes = tuple(dict.fromkeys(s.strip() for s in raw.split(",") if s.strip()))
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        raise PartnerError(f"scopes must be a comma-separated list of: {', '.join(SCOPES)}")
    return scopes


async def create_key(conn: asyncpg.Connection, name: str, scopes: tuple[str, ...]) -> IssuedKey:
    name = name.strip()
    if not 0 < len(name) <= 200:
        raise PartnerError("the partner name must have 1 to 200 characters")
    partner_id = await sql.upsert_partner(conn, name)
    key = new_token(KEY_PREFIX)
    prefix = key[:KEY_PREFIX_LENGTH]
    await sql.insert_key(conn, partner_id, prefix, hash_token(key), list(scopes))
    await audit.record_event(
        conn, "api_key_created", actor_kind="OPERATOR", actor_ref=prefix, details={"partner": name, "scopes": scopes}
    )
    return IssuedKey(key=key, prefix=prefix, partner_id=partner_id, scopes=scopes)


async def revoke_key(conn: asyncpg.Connection, prefix: str) -> bool:
    row = await sql.revoke_key(conn, prefix)
    if row is None:
        return False
    await audit.record_event(conn, "api_key_revoked", actor_kind="OPERATOR", actor_ref=prefix)
    return True
