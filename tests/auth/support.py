"""Reading what the account flows sent: the messages in the outbox, the one-time code and temporary password in them.

(The people, accounts, officers and agencies these tests make come from tests/factories.py.)
"""

from __future__ import annotations

import re

import asyncpg


async def last_message(db: asyncpg.Connection, recipient: str, channel: str = "SMS") -> str | None:
    body: str | None = await db.fetchval(
        "select body from notification_outbox where recipient = $1 and channel = $2 order by id desc limit 1",
        recipient,
        channel,
    )
    return body


async def sent_otp(db: asyncpg.Connection, phone: str) -> str:
    body = await last_message(db, phone)
    assert body is not None, f"no SMS to {phone}"
    match = re.search(r"\b([0-9]{6})\b", body)
    assert match is not None
    return match.group(1)

