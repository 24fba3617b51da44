"""A page of a declared list (db.lists.KeysetList) as a connection; a personal list only for its owner, or for
whoever may read that part of the owner's data (a guardian, a grantee)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from auth.permissions import reader_check
from core.policy import LIST_PAGES, PageSizes
from db.lists import KeysetList
from loaders.base import Row, scoped_person_id
from loaders.context import Info
from schema.cursors import Int32, decode_cursor
from schema.pagination import Connection, build_connection, page_size, read_page

T = TypeVar("T")
# The Python type of each keyset column type a list orders by (the cursor checks what comes back).
KEY_TYPES: dict[str, type[Any]] = {"date": dt.date, "timestamptz": dt.datetime, "integer": Int32, "text": str}


async def list_page(
    info: Info,
    rows_of: KeysetList,
    node: Callable[[Row], T],
    *,
    list_name: str,
    first: int | None,
    after: str | None,
    value: Any = None,
    pages: PageSizes = LIST_PAGES,
    person_id: int | None = None,
    total: Callable[[], Awaitable[int]] | None = None,
) -> Connection[T]:
    """One page in list order; `value` is the list's filter (None: everything). A personal list reads the rows of
    `person_id` when the viewer (with a full session) may read that list's part of that person: FORBIDDEN for
    anyone else (never a statement), and its SQL is bound to the same rule (db/readable.py). `total`: where the
    total comes from when not from the list's own count (the visits: their years' totals)."""
    viewer = info.context.viewer
    viewer_id = scoped_person_id(viewer)
    owner_id = person_id if viewer_id is not None else None
    if rows_of.part is not None and viewer_id is not None and person_id != viewer_id and person_id is not None:
        recorded = reader_check(info, person_id, rows_of.part)
        if recorded is not None:
            await recorded
    size = page_size(first, pages, viewer)
    after_key = decode_cursor(list_name, after, (KEY_TYPES[rows_of.order_type], int))
    order = rows_of.order
    key = lambda row: (row[order], row["id"])  # noqa: E731
    if rows_of.owner is not None and owner_id is None:
        # No signed-in person: empty, without a statement.
        return build_connection([], size, list_name=list_name, key=key, node=node, count_total=_nothing)
    loaders = info.context.loaders
    return await read_page(
        loaders.reads if loaders.reads is not None else info.context.connection,
        size,
        rows=lambda conn: rows_of.page(
            conn, after=after_key, limit=size + 1, owner_id=owner_id, viewer_id=viewer_id, value=value
        ),
        count=lambda conn: rows_of.count(conn, owner_id=owner_id, viewer_id=viewer_id, value=value),
        total=total,
        list_name=list_name,
        key=key,
        node=node,
        count_now=selects_total(info),
    )


async def _nothing() -> int:
    return 0


def selects_total(info: Info) -> bool:
    """Whether the document asks this connection for `totalCount` (through fragments; a `@skip` is not read, so
    at worst the total is counted and not shown)."""
    raw = info._raw_info
    stack = [node.selection_set for node in raw.field_nodes]
    while stack:
        selection_set = stack.pop()
        for selection in selection_set.selections if selection_set is not None else ():
            if isinstance(selection, FieldNode):
                if selection.name.value == "totalCount":
                    return True
            elif isinstance(selection, FragmentSpreadNode):
                fragment = raw.fragments.get(selection.name.value)
                stack.append(fragment.selection_set if fragment is not None else None)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
    return False

