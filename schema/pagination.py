"""Relay connections: edges with opaque keyset cursors, page info, and a total computed only when asked."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import asyncpg
import strawberry

from auth.viewer import Viewer
from core.errors import ApiError, ErrorCode
from core.policy import READS_ONLY, PageSizes
from core.text_ids import TextId
from core.texts import text
from db.pool import ConnectionSource
from db.statements import search_transaction
from schema.cursors import encode_cursor

T = TypeVar("T")
R = TypeVar("R")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    # Written only when a document selects it (most read the nodes alone), from the list's name and the row's key.
    @strawberry.field(metadata=READS_ONLY.metadata())
    def cursor(self) -> str:
        return encode_cursor(self.list_name, self.key)

    node: T
    list_name: strawberry.Private[str]
    key: strawberry.Private[Sequence[Any]]


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(
        description="All items matching the arguments; counted only when selected.", metadata=READS_ONLY.metadata()
    )
    async def total_count(self) -> int:
        return await self.count_total()


def page_size(first: int | None, pages: PageSizes, viewer: Viewer) -> int:
    """`first` checked against the field's declared page sizes for this caller; INVALID_INPUT beyond them."""
    if first is None:
        return pages.default
    maximum = pages.maximum_for(viewer.scopes)
    if first < 0 or first > maximum:
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.FIRST_OUT_OF_RANGE, maximum=maximum), field="first")
    return first


def build_connection(
    rows: Sequence[R],
    size: int,
    *,
    list_name: str,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
    count_total: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """`rows` were fetched with limit size + 1: the extra row only tells whether a next page exists."""
    page = rows[:size]
    edges = [Edge(node=node(row), list_name=list_name, key=key(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > size, end_cursor=edges[-1].cursor() if edges else None),
        count_total=count_total,
    )


async def read_page(
    connection: ConnectionSource,
    size: int,
    *,
    rows: Callable[[asyncpg.Connection], Awaitable[Sequence[R]]],
    count: Callable[[asyncpg.Connection], Awaitable[int]],
    list_name: str,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
    in_transaction: bool = False,
    count_now: bool = False,
    total: Callable[[], Awaitable[int]] | None = None,
    told: Callable[[Sequence[R]], int | None] | None = None,
) -> Connection[T]:
    """A page read on the request's `connection` (`rows` fetches `size` + 1), and its total counted there only when
    selected. `in_transaction`: each in a read-only transaction, for statements with transaction-local settings
    (searches: planned per call, db.statements.search_transaction). `count_now`: the document selects the total,
    so it is counted with the page (the two reads then travel in one statement: db/combined.py). `total`: the
    total from elsewhere instead of `count` (it takes no connection of its own). `told`: the total as the page's
    rows tell it, when they do (None: counted), e.g. a first page that is not full holds every item."""

    async def read(what: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
        async with connection.acquire() as conn:
            if not in_transaction:
                return await what(conn)
            async with search_transaction(conn):
                return await what(conn)

    counter = total if total is not None else lambda: read(count)
    counted: int | None = None
    if count_now and not in_transaction:
        found, counted = await asyncio.gather(read(rows), counter())
    else:
        found = await read(rows)

    async def count_total() -> int:
        if counted is not None:
            return counted
        known = told(found) if told is not None else None
        return known if known is not None else await counter()

    return build_connection(found, size, list_name=list_name, key=key, node=node, count_total=count_total)
