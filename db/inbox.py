"""SQL for the citizen's inbox (hộp thư): its list, unread count, read marks, opt-outs and devices."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from db.lists import KeysetList

COLUMNS = "id, person_id, kind, title, body, link_kind, link_id, created_at, read_at"
INBOX = KeysetList(
    "inbox_messages",
    COLUMNS,
    order="created_at",
    order_type="timestamptz",
    owner="person_id",
    part="OWN",
    # `unreadOnly: true` keeps the unread messages; false or null lists them all.
    filter="({value}::boolean is not true or read_at is null)",
)
UNREAD_COUNT = "select count(*) from inbox_messages where person_id = $1 and read_at is null"
# Only the person's own messages: ids of anyone else's are simply not among the rows.
OWN_IDS = "select id from inbox_messages where person_id = $1 and id = any($2::bigint[])"
MARK_READ = f"""
with marked as (
    update inbox_messages set read_at = coalesce(read_at, now())
    where person_id = $1 and id = any($2::bigint[])
    returning {COLUMNS}
)
select * from marked order by created_at desc, id desc
"""
MESSAGE_FOR_PERSON = f"select {COLUMNS} from inbox_messages where person_id = $1 and id = $2"

OPT_OUTS = "select kind from inbox_opt_outs where person_id = $1"
OPT_OUT = "insert into inbox_opt_outs (person_id, kind) values ($1, $2) on conflict do nothing"
OPT_IN = "delete from inbox_opt_outs where person_id = $1 and kind = $2"

# Registered again (a refreshed token, or another person on the same install): it belongs to the latest person.
# What a device shows (never its token).
DEVICE_COLUMNS = "id, person_id, platform, created_at, last_seen_at"
REGISTER_DEVICE = f"""
insert into devices (person_id, platform, token) values ($1, $2, $3)
on conflict (platform, token) do update set person_id = excluded.person_id, last_seen_at = now()
returning {DEVICE_COLUMNS}
"""
UNREGISTER_DEVICE = "delete from devices where person_id = $1 and token = $2 returning id"
# The provider said the token is no longer valid (the app was removed): nobody's device any more.
DROP_DEVICE = "delete from devices where platform = $1 and token = $2"
DEVICE_COUNT = "select count(*) from devices where person_id = $1"
DEVICES_BY_ID = f"select {DEVICE_COLUMNS} from devices where id = any($1::bigint[]) and person_id = $2"


async def devices_by_id(
    conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int | None
) -> list[asyncpg.Record]:
    """The viewer's own devices among `ids` (a device is its owner's only: no grant reads it)."""
    return await conn.fetch(DEVICES_BY_ID, list(ids), viewer_id)


async def unread_count(conn: asyncpg.Connection, person_id: int) -> int:
    count: int = await conn.fetchval(UNREAD_COUNT, person_id)
    return count


async def own_ids(conn: asyncpg.Connection, person_id: int, ids: Sequence[int]) -> set[int]:
    return {row["id"] for row in await conn.fetch(OWN_IDS, person_id, list(ids))}


async def mark_read(conn: asyncpg.Connection, person_id: int, ids: Sequence[int]) -> list[asyncpg.Record]:
    return await conn.fetch(MARK_READ, person_id, list(ids))


async def message_for_person(conn: asyncpg.Connection, person_id: int, message_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(MESSAGE_FOR_PERSON, person_id, message_id)


async def opt_outs(conn: asyncpg.Connection, person_id: int) -> set[str]:
    return {row["kind"] for row in await conn.fetch(OPT_OUTS, person_id)}


async def set_opt_out(conn: asyncpg.Connection, person_id: int, kind: str, *, opted_out: bool) -> None:
    await conn.execute(OPT_OUT if opted_out else OPT_IN, person_id, kind)


async def register_device(conn: asyncpg.Connection, person_id: int, platform: str, token: str) -> asyncpg.Record:
    row = await conn.fetchrow(REGISTER_DEVICE, person_id, platform, token)
    assert row is not None
    return row


async def unregister_device(conn: asyncpg.Connection, person_id: int, token: str) -> bool:
    return await conn.fetchval(UNREGISTER_DEVICE, person_id, token) is not None


async def drop_device(conn: asyncpg.Connection, platform: str, token: str) -> None:
    await conn.execute(DROP_DEVICE, platform, token)


async def device_count(conn: asyncpg.Connection, person_id: int) -> int:
    count: int = await conn.fetchval(DEVICE_COUNT, person_id)
    return count


# The condition under which an access token is accepted (db/viewers.py), by session id: a subscription lives on.
SESSION_HOLDS = """
select exists (
    select 1 from sessions s join accounts a on a.person_id = s.person_id
    where s.person_id = $1 and s.id = $2 and s.revoked_at is null and s.access_expires_at > now()
      and a.status = 'ACTIVE'
)
"""


async def session_holds(conn: asyncpg.Connection, person_id: int, session_id: int) -> bool:
    return bool(await conn.fetchval(SESSION_HOLDS, person_id, session_id))
