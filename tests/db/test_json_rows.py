"""Rows read as JSON (db/json_rows.py) are the rows asyncpg decodes, value for value and type for type."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from db.json_rows import json_conversions, rows_from_json

# Every type read as JSON, with the values that could go wrong: the edges of the integers, text JSON must escape,
# padded bpchar, NULLs everywhere, arrays with a NULL and of two dimensions, instants with microseconds, before 1975
# (when Saigon's offset was +08:00) and at infinity, dates at infinity, empty and binary bytea.
EVERY_TYPE = """
select v.*
from (values
  (1, (-32768)::int2, (-2147483648)::int4, 9223372036854775807::int8, 'Hoàng Thị "Mai" \\ a/b' || chr(10) || 'x',
   'ab'::char(4), 'vừa'::varchar, true, array['a', null, 'ơ']::text[], array[1, null, -9223372036854775808]::int8[],
   '2026-12-05 08:26:55.000123+00'::timestamptz, '2026-12-05 15:26:55.5'::timestamp, '2026-12-05'::date,
   '\\x00ff10'::bytea, array[[1, null], [3, 4]]::int4[]),
  (2, 0::int2, 0::int4, -1::int8, '', ' '::char(1), '', false, array[]::text[], array[]::int8[],
   '1960-03-01 12:00:00+08'::timestamptz, 'infinity'::timestamp, 'infinity'::date, ''::bytea, array[]::int4[]),
  (3, null, null, null, null, null, null, null, null, null,
   'infinity'::timestamptz, '-infinity'::timestamp, '-infinity'::date, null, null),
  (4, null, null, null, null, null, null, null, null, null, '-infinity'::timestamptz, null, null, null, null)
) as v(n, small, medium, large, words, padded, short, flag, codes, keys, at, local, day, raw, grid)
order by n
"""


@pytest.fixture
async def conn(shared_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    # The service's sessions speak Vietnam time (db/pool.py): the JSON of a timestamptz carries that offset.
    connection = await asyncpg.connect(shared_dsn, server_settings={"timezone": "Asia/Ho_Chi_Minh"})
    try:
        yield connection
    finally:
        await connection.close()


def _typed(rows: list[dict[str, Any]]) -> list[dict[str, tuple[type, Any]]]:
    return [{name: (type(value), value) for name, value in row.items()} for row in rows]


async def test_every_type_read_as_json_comes_back_as_asyncpg_decodes_it(conn: asyncpg.Connection) -> None:
    conversions = json_conversions((await conn.prepare(EVERY_TYPE)).get_attributes())
    assert conversions is not None

    expected = [dict(record) for record in await conn.fetch(EVERY_TYPE)]
    read = rows_from_json(await conn.fetchval(f"select json_agg(q) from ({EVERY_TYPE}) q"), conversions)

    assert _typed(read) == _typed(expected)
    # As the combined statement sends it (db/combined.py): the JSON's UTF-8 bytes, Vietnamese text included.
    as_bytes = await conn.fetchval(f"select convert_to(json_agg(q)::text, 'UTF8') from ({EVERY_TYPE}) q")
    assert type(as_bytes) is bytes
    assert _typed(rows_from_json(as_bytes, conversions)) == _typed(expected)
    # The same instant and the same zone object as asyncpg's (UTC), so code comparing or writing them cannot tell.
    assert read[0]["at"].tzinfo is expected[0]["at"].tzinfo is dt.UTC
    assert read[1]["at"] == dt.datetime(1960, 3, 1, 4, tzinfo=dt.UTC)


async def test_no_rows_read_as_json_are_an_empty_list(conn: asyncpg.Connection) -> None:
    statement = "select 1 as n where false"
    conversions = json_conversions((await conn.prepare(statement)).get_attributes())
    assert conversions == ()
    assert rows_from_json(await conn.fetchval(f"select json_agg(q) from ({statement}) q"), conversions) == []


@pytest.mark.parametrize(
    "statement",
    [
        "select 1.5::numeric as amount",  # a JSON number would come back a float
        "select '{\"a\": 1}'::jsonb as document",  # asyncpg gives the text, JSON would give a dict
        "select interval '1 day' as span",
        "select 1 as id, 2 as id",  # one JSON key for two columns
        "select array[now()] as instants",  # an array whose items would need converting
    ],
)
async def test_columns_json_would_not_give_back_keep_the_array_of_records(
    conn: asyncpg.Connection, statement: str
) -> None:
    assert json_conversions((await conn.prepare(statement)).get_attributes()) is None
