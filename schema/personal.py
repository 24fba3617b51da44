"""A page of one of the person's lists (db.personal.PersonalList), read only when the person is the viewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from core.policy import LIST_PAGES
from db.personal import PersonalList
from loaders.base import Row, scoped_person_id
from loaders.context import Info
from schema.cursors import decode_cursor
from schema.pagination import Connection, build_connection, page_size

T = TypeVar("T")
# The Python type of each keyset column type a personal list orders by (the cursor checks what comes back).
KEY_TYPES: dict[str, type[Any]] = {"date": dt.date, "timestamptz": dt.datetime}


async def personal_page(
    info: Info,
    person_id: int,
    rows_of: PersonalList,
    node: Callable[[Row], T],
    *,
    list_name: str,
    first: int | None,
    after: str | None,
    value: Any = None,
) -> Connection[T]:
    """One page, newest first; `value` is the list's filter (None: everything). Nothing for another person."""
    viewer = info.context.viewer
    size = page_size(first, LIST_PAGES, viewer)
    after_key = decode_cursor(list_name, after, (KEY_TYPES[rows_of.order_type], int))
    owner = scoped_person_id(viewer) if viewer.person_id == person_id else None
    connection = info.context.connection
    rows: list[Row] = []
    if owner is not None:
        async with connection.acquire() as conn:
            rows = await rows_of.page(conn, owner, after=after_key, limit=size + 1, value=value)

    async def count_total() -> int:
        if owner is None:
            return 0
        async with connection.acquire() as conn:
            return await rows_of.count(conn, owner, value=value)

    order = rows_of.order
    return build_connection(
        rows, size, list_name=list_name, key=lambda row: (row[order], row["id"]), node=node, count_total=count_total
    )
