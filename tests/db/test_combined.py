"""Reads of one moment in one statement (db/combined.py): the same rows, each error to its own read."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from db.combined import CombinedReads, combined_statement
from db.pool import Database, RequestConnection

AS_JSON = "(select convert_to(json_agg(q)::text, 'UTF8') from ("


def _combined(statement: str) -> bool:
    """A statement of several reads: each as an array of records, or as JSON (db/json_rows.py)."""
    return "array(select q from (" in statement or AS_JSON in statement


@pytest.fixture
async def reads(shared_dsn: str) -> AsyncIterator[tuple[CombinedReads, list[str]]]:
    """Combined reads over a request's connection, and the statements sent (these tests read no data)."""
    sent: list[str] = []

    async def log(conn: asyncpg.Connection) -> None:
        conn.add_query_logger(lambda record: sent.append(record.query))

    database = Database(await asyncpg.create_pool(shared_dsn, min_size=1, max_size=1, init=log))
    connection = RequestConnection(database)
    try:
        yield CombinedReads(connection), sent
    finally:
        await connection.close()
        await database.pool.close()


def test_each_read_keeps_its_parameters_renumbered_after_the_previous_ones() -> None:
    statement, parameters = combined_statement([
        ("select $1::int as a where $2::text is not null", (1, "x")),
        ("select $1::date as b", (dt.date(2026, 12, 5),)),
    ])
    assert "($3::date as b)" not in statement and "select $3::date as b" in statement
    assert "$1::int as a where $2::text" in statement and parameters == [1, "x", dt.date(2026, 12, 5)]
    # written once per combination: the next request's is the same text (its hash and prepared statement at hand)
    again, values = combined_statement([
        ("select $1::int as a where $2::text is not null", (2, "y")),
        ("select $1::date as b", (dt.date(2026, 12, 6),)),
    ])
    assert again is statement and values == [2, "y", dt.date(2026, 12, 6)]


async def test_reads_of_one_moment_go_in_one_statement_with_their_types(
    reads: tuple[CombinedReads, list[str]],
) -> None:
    combined, sent = reads
    cards, total, none = await asyncio.gather(
        combined.fetch(
            "select $1::date as valid_from, $2::numeric as amount, array['a', 'b'] as codes, $3::text as name",
            dt.date(2026, 1, 1), Decimal("1263600"), "Hoàng Thị Mai",
        ),
        combined.fetchval("select count(*) from generate_series(1, $1::int)", 7),
        combined.fetchrow("select 1 as x where false"),
    )
    assert len([s for s in sent if _combined(s)]) == 1
    row = cards[0]
    assert row["valid_from"] == dt.date(2026, 1, 1) and row["amount"] == Decimal("1263600")
    assert row["codes"] == ["a", "b"] and dict(row)["name"] == "Hoàng Thị Mai"
    assert total == 7 and none is None
    # the row with a numeric travelled as an array of records, the count and the empty read as JSON
    [statement] = [s for s in sent if _combined(s)]
    assert statement.count("array(select q from (") == 1 and statement.count(AS_JSON) == 2


async def test_an_error_belongs_to_the_read_that_caused_it(reads: tuple[CombinedReads, list[str]]) -> None:
    combined, _ = reads
    answers: tuple[Any, ...] = await asyncio.gather(
        combined.fetchval("select $1::int + 1", 41),
        combined.fetchval("select 1 / $1::int", 0),
        return_exceptions=True,
    )
    good, bad = answers
    assert good == 42
    assert isinstance(bad, asyncpg.DivisionByZeroError)


async def test_reads_one_after_the_other_are_sent_as_they_are(reads: tuple[CombinedReads, list[str]]) -> None:
    combined, sent = reads
    assert await combined.fetchval("select $1::int", 1) == 1
    assert await combined.fetchval("select $1::int * 2", 2) == 4
    assert not any(_combined(s) for s in sent)


async def test_a_combined_read_out_of_time_fails_every_read_of_it_once(
    reads: tuple[CombinedReads, list[str]],
) -> None:
    combined, sent = reads
    async with combined.source.acquire() as conn:
        await conn.execute("set statement_timeout = 200")
    answers: tuple[Any, ...] = await asyncio.gather(
        combined.fetchval("select 1 from pg_sleep($1::float)", 5.0),
        combined.fetchval("select $1::int", 7),
        return_exceptions=True,
    )
    assert all(isinstance(answer, asyncpg.QueryCanceledError) for answer in answers)
    assert not any("pg_sleep" in s and not _combined(s) for s in sent)  # not sent again alone


async def test_a_rider_goes_with_the_next_batch_and_starts_no_wait_of_its_own(
    reads: tuple[CombinedReads, list[str]],
) -> None:
    combined, sent = reads
    rider = combined.ride("select $1::int as guessed", 41)
    for _ in range(10):  # turns of the loop: a rider alone is not sent
        await asyncio.sleep(0)
    assert sent == [] and not rider.done()
    rows = await combined.fetch("select $1::int as read", 1)
    assert rows[0]["read"] == 1 and (await rider)[0]["guessed"] == 41
    ours = [s for s in sent if "as read" in s or "as guessed" in s]  # not the driver's type look-ups
    assert len(ours) == 1 and _combined(ours[0])  # one statement for both
    await combined.send_riders()  # already sent: nothing goes again
    await asyncio.sleep(0.05)
    assert len([s for s in sent if "as read" in s or "as guessed" in s]) == 1


async def test_riders_no_batch_took_are_sent_alone_when_asked_for(reads: tuple[CombinedReads, list[str]]) -> None:
    combined, sent = reads
    rider = combined.ride("select $1::text as session", "phiên")
    await combined.send_riders()
    assert (await rider)[0]["session"] == "phiên"
    await asyncio.sleep(0.05)  # the driver's query logger is called soon after
    assert sent == ["select $1::text as session"]
