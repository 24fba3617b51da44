"""SQL for security audit events: logins, failures, password changes, registration decisions, key use."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

INSERT = """
insert into audit_events (event, actor_kind, actor_ref, person_id, client_address, details)
values ($1, $2, $3, $4, $5::inet, $6::jsonb)
"""


async def record_event(
    conn: asyncpg.Connection,
    event: str,
    *,
    actor_kind: str,
    actor_ref: str | None = None,
    person_id: int | None = None,
    client_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Never put a password, OTP or token in `details`."""
    await conn.execute(
        INSERT, event, actor_kind, actor_ref, person_id, client_address, orjson.dumps(details or {}).decode()
    )


async def record_citizen_event(
    conn: asyncpg.Connection,
    event: str,
    person_id: int,
    client_address: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """An event the person did themself (logged in, changed or reset their password)."""
    await record_event(
        conn,
        event,
        actor_kind="CITIZEN",
        actor_ref=str(person_id),
        person_id=person_id,
        client_address=client_address,
        details=details,
    )
