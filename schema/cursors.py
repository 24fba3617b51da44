"""Opaque keyset cursors, each bound to one list: what a page's last row was, checked when it comes back."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import orjson

from core.errors import ApiError, ErrorCode
from core.text_ids import TextId
from core.texts import text


class Int32(int):
    """A key column of PostgreSQL type integer (an `int` key is a bigint)."""


class Score(float):
    """A relevance key compared as PostgreSQL `real`, e.g. a pg_trgm similarity: between 0 and 1."""


# Largest key text a cursor may carry back: longer than any name or code this API lists.
MAX_KEY_TEXT = 1000
# Below this, a positive value is no `real` PostgreSQL can hold (it would underflow).
_SMALLEST_REAL = 1.2e-38


def _int_between(low: int, high: int) -> Callable[[Any], int]:
    def decode(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            raise ValueError("not an integer key")
        return value

    return decode


def _float(value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise ValueError("not a finite number")
    return float(value)


def _score(value: Any) -> float:
    score = _float(value)
    if not (score == 0 or _SMALLEST_REAL <= score <= 1):
        raise ValueError("not a score")
    return score


def _text(value: Any) -> str:
    if type(value) is not str or len(value) > MAX_KEY_TEXT or "\x00" in value:
        raise ValueError("not a text key")
    return value


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(_text(value))


def _datetime(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError("a timestamp key carries its offset")
    moment.astimezone(dt.UTC)  # OverflowError at the calendar's edges, as the driver would raise
    return moment


# How each kind of key value travels inside a cursor. Decoding checks what a client may have altered: a key
# the database cannot take (an integer beyond 64 bits, a NUL, a date past year 9999 in UTC) is INVALID_CURSOR,
# never a driver error.
_ENCODERS: dict[type[Any], Callable[[Any], Any]] = {
    int: lambda v: v,
    str: lambda v: v,
    float: lambda v: v,
    Decimal: str,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
}
_DECODERS: dict[type[Any], Callable[[Any], Any]] = {
    int: _int_between(-(2**63), 2**63 - 1),
    Int32: _int_between(-(2**31), 2**31 - 1),
    str: _text,
    float: _float,
    Score: _score,
    Decimal: lambda v: Decimal(_text(v)),
    dt.date: _date,
    dt.datetime: _datetime,
}


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
        if not isinstance(data, list) or len(data) != len(types) + 1 or data[0] != list_name:
            raise ValueError
        return tuple(None if v is None else _DECODERS[t](v) for t, v in zip(types, data[1:], strict=True))
    except (ValueError, TypeError, KeyError, ArithmeticError, UnicodeError, binascii.Error):
        raise ApiError(ErrorCode.INVALID_CURSOR, text(TextId.INVALID_CURSOR), field="after") from None
