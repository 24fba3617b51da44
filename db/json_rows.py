"""Rows read as JSON, and made again into the values asyncpg would have decoded (db/combined.py).

A statement's rows inside a combined statement come back as one array of anonymous records, and asyncpg decodes
each field of each record by looking up its type's codec: about 3.5 µs a row for a page of visits, and a dict of
names to values made after that. The same rows as `json_agg` are one string that orjson reads into dicts in a
third of the time (measured: docs/performance.md). That is only right where the JSON form of a column converts
back to exactly the value asyncpg gives, so a statement is read as JSON only when all of its columns are of the
types below; any other (numeric, whose JSON number would become a float; json; interval; ...) keeps the array of
records.

- As they are: integers, booleans, text, and arrays of those.
- Converted: timestamptz (ISO 8601 with the session's offset, to an aware datetime in UTC as asyncpg gives it),
  timestamp, date (infinities as asyncpg gives them: the naive extremes), bytea (`\\x` and hex digits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import orjson

# Type oids: bool, int8, int2, int4, text, bpchar, varchar and their arrays.
AS_THEY_ARE = frozenset({16, 20, 21, 23, 25, 1042, 1043, 1000, 1016, 1005, 1007, 1009, 1014, 1015})
TIMESTAMPTZ, TIMESTAMP, DATE, BYTEA = 1184, 1114, 1082, 17

# asyncpg's own values for infinity (its pgproto codecs): naive datetimes, also for a timestamptz.
_INFINITE_TIMESTAMPS = {
    "infinity": dt.datetime(dt.MAXYEAR, 12, 31, 23, 59, 59, 999999), "-infinity": dt.datetime(dt.MINYEAR, 1, 1)
}
_INFINITE_DATES = {"infinity": dt.date(dt.MAXYEAR, 12, 31), "-infinity": dt.date(dt.MINYEAR, 1, 1)}


_fromisoformat, _UTC = dt.datetime.fromisoformat, dt.UTC


def _timestamptz(text: str) -> dt.datetime:
    infinite = _INFINITE_TIMESTAMPS.get(text)
    return infinite if infinite is not None else dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _timestamp(text: str) -> dt.datetime:
    infinite = _INFINITE_TIMESTAMPS.get(text)
    return infinite if infinite is not None else dt.datetime.fromisoformat(text)


def _date(text: str) -> dt.date:
    infinite = _INFINITE_DATES.get(text)
    return infinite if infinite is not None else dt.date.fromisoformat(text)


def _bytea(text: str) -> bytes:
    return bytes.fromhex(text[2:])


CONVERSIONS: dict[int, Callable[[str], Any]] = {
    TIMESTAMPTZ: _timestamptz, TIMESTAMP: _timestamp, DATE: _date, BYTEA: _bytea,
}

Conversions = tuple[tuple[str, Callable[[str], Any]], ...]


def json_conversions(attributes: Sequence[Any]) -> Conversions | None:
    """The conversions of a statement's columns (asyncpg's `Attribute`s) read as JSON, by name; None when a column
    is of a type that must not be read as JSON (module docstring), or two columns share a name."""
    names = [attribute.name for attribute in attributes]
    if len(set(names)) != len(names):
        return None
    conversions = []
    for attribute in attributes:
        oid = attribute.type.oid
        if oid in CONVERSIONS:
            conversions.append((attribute.name, CONVERSIONS[oid]))
        elif oid not in AS_THEY_ARE:
            return None
    return tuple(conversions)


def rows_from_json(text: bytes | str | None, conversions: Conversions) -> list[dict[str, Any]]:
    """The rows of one `json_agg` (None for no rows), with their values as asyncpg decodes them. The combined
    statement sends it as its UTF-8 bytes: orjson reads bytes in about half the time of a str that asyncpg would
    first decode (orjson then encodes it back to UTF-8)."""
    if text is None:
        return []
    rows: list[dict[str, Any]] = orjson.loads(text)
    for name, convert in conversions:
        if convert is _timestamptz:
            # The common conversion (a page of visits has two per row) written out: no call per value; an
            # infinity, which `fromisoformat` refuses, goes to the function.
            for row in rows:
                value = row[name]
                if value is not None:
                    try:
                        row[name] = _fromisoformat(value).astimezone(_UTC)
                    except ValueError:
                        row[name] = _timestamptz(value)
            continue
        for row in rows:
            value = row[name]
            if value is not None:
                row[name] = convert(value)
    return rows
