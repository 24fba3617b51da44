"""Keyset paging: opaque cursors bound to one list, page size rules, and building a connection from rows."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import orjson

from schema.errors import ApiError, ErrorCode
from schema.pagination import Connection, Edge, PageInfo

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# How each kind of key value travels inside a cursor.
_ENCODERS: dict[type[Any], Callable[[Any], Any]] = {
    int: lambda v: v,
    str: lambda v: v,
    float: lambda v: v,
    Decimal: str,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
}
_DECODERS: dict[type[Any], Callable[[Any], Any]] = {
    int: int,
    str: str,
    float: float,
    Decimal: Decimal,
    dt.date: dt.date.fromisoformat,
    dt.datetime: dt.datetime.fromisoformat,
}


def page_size(first: int | None, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    if first is None:
        return default
    if first < 0 or first > maximum:
        raise ApiError(ErrorCode.INVALID_INPUT, f"first must be between 0 and {maximum}", field="first")
    return first


def encode_cursor(list_name: str, key: Sequence[Any]) -> str:
    values = [_ENCODERS[type(v)](v) if v is not None else None for v in key]
    return base64.urlsafe_b64encode(orjson.dumps([list_name, *values])).decode().rstrip("=")


def decode_cursor(list_name: str, cursor: str | None, types: Sequence[type[Any]]) -> tuple[Any, ...] | None:
    """The key a cursor stands for, or None for the first page; INVALID_CURSOR for one from another list or altered."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(data, list) or data[0] != list_name or len(data) != len(types) + 1:
            raise ValueError
        return tuple(None if v is None else _DECODERS[t](v) for t, v in zip(types, data[1:], strict=True))
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, orjson.JSONDecodeError):
        raise ApiError(ErrorCode.INVALID_CURSOR, "the cursor is not one this list gave out", field="after") from None


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
    edges = [Edge(cursor=encode_cursor(list_name, key(row)), node=node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None),
        count_total=count_total,
    )
