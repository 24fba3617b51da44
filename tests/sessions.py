"""Test helper: open a session for a person directly in the database, as login would."""

from __future__ import annotations

import uuid

import asyncpg

from auth.tokens import hash_token, new_token

INSERT_SESSION = """
insert into sessions (person_id, family_id, access_token_hash, refresh_token_hash,
                      access_expires_at, refresh_expires_at, password_change_only)
values ($1, $2, $3, $4, now() + interval '15 minutes', now() + interval '30 days', $5)
"""


async def open_session(db: asyncpg.Connection, person_id: int, *, password_change_only: bool = False) -> str:
    """Return a bearer access token for `person_id` (the person must hold an account)."""
    token = new_token()
    await db.execute(
        INSERT_SESSION, person_id, uuid.uuid4(), hash_token(token), hash_token(new_token()), password_change_only
    )
    return token
