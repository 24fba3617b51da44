"""SQL for the access log (nhật ký truy cập): reads of a person's data by anyone other than that person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

INSERT = """
insert into access_log (person_id, actor_kind, actor_name, actor_ref, purpose, data_categories)
values ($1, $2, $3, $4, $5, $6::text[])
"""


async def record_access(
    conn: asyncpg.Connection,
    *,
    person_id: int,
    actor_kind: str,
    actor_name: str,
    actor_ref: str | None,
    purpose: str,
    data_categories: Sequence[str],
) -> None:
    """Call inside the transaction of the read it records, so a read is never served unrecorded."""
    await conn.execute(INSERT, person_id, actor_kind, actor_name, actor_ref, purpose, list(data_categories))


SELECT_PAGE = """
select id, person_id, at, actor_kind, actor_name, purpose, data_categories
from access_log
where person_id = $1 and ($2::timestamptz is null or (at, id) < ($2, $3::bigint))
order by at desc, id desc
limit $4
"""


async def access_log_page(
    conn: asyncpg.Connection, person_id: int, *, after: tuple[dt.datetime, int] | None, limit: int
) -> list[asyncpg.Record]:
    """Newest first; `after` is the (at, id) of the last entry of the previous page."""
    at, last_id = after if after else (None, None)
    return await conn.fetch(SELECT_PAGE, person_id, at, last_id, limit)


COUNT = "select count(*) from access_log where person_id = $1"


async def count_access_log(conn: asyncpg.Connection, person_id: int) -> int:
    count: int = await conn.fetchval(COUNT, person_id)
    return count
