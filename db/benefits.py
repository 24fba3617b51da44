"""SQL for benefits received (thông tin hưởng)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

COLUMNS = "id, person_id, kind, decision_number, period_from, period_to, days, amount, paid_on, paying_agency_id"
FILTERS = "person_id = $1 and ($2::text is null or kind = $2)"
SELECT_PAGE = f"""
select {COLUMNS} from benefits
where {FILTERS} and ($3::date is null or (paid_on, id) < ($3, $4::bigint))
order by paid_on desc, id desc
limit $5
"""
COUNT = f"select count(*) from benefits where {FILTERS}"
SELECT_BY_ID_FOR_VIEWER = f"select {COLUMNS} from benefits where id = any($1::bigint[]) and person_id = $2"


async def benefits_page(
    conn: asyncpg.Connection,
    person_id: int,
    *,
    kind: str | None,
    after: tuple[dt.date, int] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest payment first; `after` is the (paid_on, id) of the last row of the previous page."""
    paid_on, last_id = after if after else (None, None)
    return await conn.fetch(SELECT_PAGE, person_id, kind, paid_on, last_id, limit)


async def count_benefits(conn: asyncpg.Connection, person_id: int, *, kind: str | None) -> int:
    count: int = await conn.fetchval(COUNT, person_id, kind)
    return count


async def benefits_by_id(conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_ID_FOR_VIEWER, list(ids), viewer_id)
