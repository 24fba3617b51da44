"""The person's access log: the paged list of reads of their data by others."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import asyncpg

from db import access_log as sql
from resolvers.persons import Key, personal_connection
from schema.info import Info

if TYPE_CHECKING:
    from schema.access_log import AccessLogEntry
    from schema.pagination import Connection
    from schema.person import Person

LIST_NAME = "accessLog"


def entry_from_row(row: asyncpg.Record) -> AccessLogEntry:
    from schema.access_log import AccessLogEntry, ActorKind

    return AccessLogEntry(
        person_id=row["person_id"],
        at=row["at"],
        actor_kind=ActorKind(row["actor_kind"]),
        actor_name=row["actor_name"],
        purpose=row["purpose"],
        data_categories=list(row["data_categories"]),
    )


async def resolve_access_log(
    root: Person, info: Info, first: int | None = None, after: str | None = None
) -> Connection[AccessLogEntry]:
    async def fetch(conn: asyncpg.Connection, person_id: int, key: Key | None, limit: int) -> list[asyncpg.Record]:
        return await sql.access_log_page(conn, person_id, after=key, limit=limit)

    return await personal_connection(
        info,
        root.person_id,
        list_name=LIST_NAME,
        first=first,
        after=after,
        key_types=(dt.datetime, int),
        fetch=fetch,
        count=sql.count_access_log,
        key=lambda row: (row["at"], row["id"]),
        node=entry_from_row,
    )
