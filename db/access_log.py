"""SQL for the access log (nhật ký truy cập): reads of a person's data by anyone other than that person."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from db.lists import KeysetList

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


ACCESS_LOG = KeysetList(
    "access_log",
    "id, person_id, at, actor_kind, actor_name, purpose, data_categories, grant_id",
    order="at",
    order_type="timestamptz",
    owner="person_id",
    part="OWN",
)
