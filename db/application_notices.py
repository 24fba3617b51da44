"""SQL of what an application's decision or payment tells the person: an inbox message (with a push to each of the
person's devices, as the producers do) and an SMS and e-mail through the outbox, in the transaction of the change.

The inbox's unique key (person, kind, subject, period) and the outbox's dedupe key keep each notice single even if
the same change were applied twice.
"""

from __future__ import annotations

import asyncpg

from db import outbox

# Unless the person turned the kind off (their SMS still goes: a decision is not optional news).
INBOX = """
with new as (
    insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
    select $1, $2, $3, $4, $5, $6, 'APPLICATION', $7
    where not exists (select 1 from inbox_opt_outs o where o.person_id = $1 and o.kind = $2)
    on conflict (person_id, kind, subject_key, period) do nothing
    returning id, person_id, title, body
), pushed as (
    insert into notification_outbox (dedupe_key, person_id, channel, recipient, subject, body)
    select 'push:' || n.id || ':' || d.id, n.person_id, 'PUSH', d.platform || ':' || d.token, n.title, n.body
    from new n join devices d on d.person_id = $1
    on conflict (dedupe_key) do nothing
)
select count(*) from new
"""
CONTACT = "select phone, email from people where id = $1"


async def notify(
    conn: asyncpg.Connection,
    *,
    person_id: int,
    kind: str,
    application_id: int,
    period: str,
    title: str,
    body: str,
) -> None:
    """The inbox message `kind` about the application, and the same text by SMS and e-mail where the person has
    a phone or an address on record."""
    await conn.fetchval(INBOX, person_id, kind, str(application_id), period, title, body, application_id)
    contact = await conn.fetchrow(CONTACT, person_id)
    key = f"application:{application_id}:{kind}:{period}"
    if contact and contact["phone"]:
        await outbox.enqueue(
            conn, dedupe_key=f"{key}:sms", person_id=person_id, channel="SMS", recipient=contact["phone"],
            body=f"VssID: {body}",
        )
    if contact and contact["email"]:
        await outbox.enqueue(
            conn, dedupe_key=f"{key}:email", person_id=person_id, channel="EMAIL", recipient=contact["email"],
            subject=f"VssID: {title}", body=body,
        )
