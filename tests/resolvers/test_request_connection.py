"""One connection per request: a request's loaders share one pooled connection, and it always goes back to the pool."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import asyncpg
import pytest

from core.errors import ServiceUnavailable, UnavailableReason
from core.settings import load_settings
from db.pool import Database, RequestConnection, create_database
from tests.clients import AppClient, StatementLog, app_client
from tests.factories import add_card, add_visits, make_citizen
from tests.graphql import contract, gql

HOME = contract("mobile/Home")
SESSION_LOOKUP = "from sessions"


@pytest.fixture
async def served(db_dsn: str) -> AsyncIterator[AppClient]:
    # Only the requests' statements: no outbox dispatcher, no housekeeping in the background; four connections, so
    # that one request could spread its reads over several.
    env = {"VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0"}
    settings = load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MIN": "4", "VSSID_DB_POOL_MAX": "4", **env})
    async with app_client(settings, db_dsn, log=StatementLog()) as app_with_log:
        yield app_with_log


def _all_idle(pool: asyncpg.Pool | Database) -> bool:
    raw = pool.pool if isinstance(pool, Database) else pool
    return bool(raw.get_idle_size() == raw.get_size())


async def test_home_reads_everything_on_one_connection_and_gives_it_back(
    db: asyncpg.Connection, served: AppClient
) -> None:
    # given a citizen with a current card and a history, so every loader of Home has rows to read
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 8)
    today = dt.date.today()
    await add_card(db, citizen, valid_from=today - dt.timedelta(days=400), valid_to=today + dt.timedelta(days=400))

    # when the citizen opens Home
    served.log.clear()
    result = await gql(served.http, HOME, token=citizen.token)

    # then the answer is whole, and all its reads (several loaders, dispatched concurrently) ran on one connection
    assert "errors" not in result, result
    me = result["data"]["me"]
    assert len(me["medicalVisits"]["edges"]) == 5
    reads = [(pid, text) for pid, text in served.log.entries if SESSION_LOOKUP not in text]
    assert len({pid for pid, _ in reads}) == 1
    # in two statements, one per level (db/combined.py): the card (with its group's name), the contribution summary
    # and the visits page together, then the facilities (with their province's name) and the diagnoses; the person
    # comes with the session, the group and the province with the card and the facility
    assert me["currentCard"]["beneficiaryGroup"]["name"]
    assert me["currentCard"]["primaryFacility"]["province"]["name"]
    assert len(reads) == 2, [text.split()[:8] for _, text in reads]
    level_2, level_3 = (text for _, text in reads)
    assert "from insurance_cards" in level_2 and "from contribution_periods" in level_2
    assert "from medical_visits" in level_2
    assert "from facilities" in level_3 and "from icd10_codes" in level_3
    # and the connection is back in the pool once the answer is out
    assert _all_idle(served.pool)


async def test_the_viewers_person_comes_with_the_session(db: asyncpg.Connection, served: AppClient) -> None:
    # given a citizen
    citizen = await make_citizen(db, full_name="Trần Thị Phiên")

    # when they ask for their own person
    served.log.clear()
    result = await gql(served.http, "{ me { fullName socialInsuranceCode dateOfBirth } }", token=citizen.token)

    # then the answer is theirs, read by the session look-up alone: no statement of its own
    assert result["data"]["me"]["fullName"] == "Trần Thị Phiên", result
    assert [text.split()[:4] for _, text in served.log.entries if SESSION_LOOKUP not in text] == []
    assert any(SESSION_LOOKUP in text for _, text in served.log.entries)


async def test_a_request_cancelled_mid_read_still_gives_its_connection_back(
    db: asyncpg.Connection, served: AppClient
) -> None:
    # given a Home request that has started reading
    citizen = await make_citizen(db)
    request = asyncio.create_task(gql(served.http, HOME, token=citizen.token))
    await served.log.wait_for(lambda text: SESSION_LOOKUP not in text)

    # when its client goes away (the request task is cancelled)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request

    # then the connection returns to the pool, and serves the next request
    async with asyncio.timeout(10):
        while not _all_idle(served.pool):  # noqa: ASYNC110 - waiting for the release left running in the background
            await asyncio.sleep(0.01)
    again = await gql(served.http, HOME, token=citizen.token)
    assert again["data"]["me"]["fullName"] == "Nguyễn Văn Thử"


@pytest.fixture
async def pool(shared_dsn: str) -> AsyncIterator[Database]:
    """The app's pool with one connection, on the shared database: these tests read no data."""
    env = {"VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "1", "VSSID_DB_ACQUIRE_TIMEOUT_MS": "100"}
    tight = load_settings({"DATABASE_URL": shared_dsn, **env})
    pool = await create_database(shared_dsn, tight)
    try:
        yield pool
    finally:
        await pool.close(grace_seconds=10)


async def test_the_connection_is_taken_on_first_use_and_lent_to_one_user_at_a_time(pool: Database) -> None:
    connection = RequestConnection(pool)
    # a request that has read nothing holds nothing
    assert not connection.acquired and _all_idle(pool)

    first_in = asyncio.Event()
    release_first = asyncio.Event()
    order: list[str] = []

    async def first() -> int:
        async with connection.acquire() as conn:
            order.append("first in")
            first_in.set()
            await release_first.wait()
            order.append("first out")
            return int(conn.get_server_pid())

    async def second() -> int:
        await first_in.wait()
        async with connection.acquire() as conn:
            order.append("second in")
            return int(conn.get_server_pid())

    # when two users ask at once (the pool has a single connection: a second one would time out)
    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_in.wait()
    await asyncio.sleep(0.05)
    release_first.set()
    pids = await asyncio.gather(*tasks)

    # then they take turns on the same connection
    assert order == ["first in", "first out", "second in"]
    assert pids[0] == pids[1]
    await connection.close()
    assert _all_idle(pool)
    with pytest.raises(RuntimeError, match="the request has finished"):
        async with connection.acquire():
            pass


async def test_close_waits_for_a_read_left_running_and_survives_being_cancelled(pool: Database) -> None:
    # given a read still running on the request's connection (a batch that outlived its request)
    connection = RequestConnection(pool)
    reading = asyncio.Event()

    async def slow_read() -> None:
        async with connection.acquire() as conn:
            reading.set()
            await conn.execute("select pg_sleep(0.3)")

    read = asyncio.create_task(slow_read())
    await reading.wait()

    # when the request closes, and the close itself is cancelled
    closing = asyncio.create_task(connection.close())
    await asyncio.sleep(0.05)
    closing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await closing

    # then the read finishes undisturbed and the connection still goes back to the pool, clean
    await read
    async with asyncio.timeout(5):
        while not _all_idle(pool):  # noqa: ASYNC110 - the release runs on in the background
            await asyncio.sleep(0.01)
    async with pool.acquire() as conn:
        assert await conn.fetchval("select 1") == 1


async def test_a_connection_still_being_taken_when_the_request_ends_goes_back_too(shared_dsn: str) -> None:
    env = {"VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "1", "VSSID_DB_ACQUIRE_TIMEOUT_MS": "10000"}
    patient = await create_database(shared_dsn, load_settings({"DATABASE_URL": shared_dsn, **env}))
    try:
        connection = RequestConnection(patient)
        holder = await patient.pool.acquire()
        # given a read of the request waiting for the pool (its one connection busy elsewhere)
        read = asyncio.create_task(_select_one(connection))
        await asyncio.sleep(0.05)
        # when the request ends meanwhile
        closing = asyncio.create_task(connection.close())
        await asyncio.sleep(0.05)
        assert not closing.done()
        await patient.pool.release(holder)
        # then the read gets its connection and finishes, and the connection is given back after it
        assert await read == 1
        await closing
        assert not connection.acquired and _all_idle(patient)
    finally:
        await patient.close(grace_seconds=10)


async def _select_one(connection: RequestConnection) -> int:
    async with connection.acquire() as conn:
        return int(await conn.fetchval("select 1"))


async def test_a_full_pool_fails_the_request_once_and_for_all(pool: Database) -> None:
    connection = RequestConnection(pool)
    async with pool.acquire():
        # given every pooled connection busy: the first read is refused as overloaded
        with pytest.raises(ServiceUnavailable) as first:
            async with connection.acquire():
                pass
    # when a later read of the same request comes, even with the pool free again
    with pytest.raises(ServiceUnavailable) as later:
        async with connection.acquire():
            pass
    # then it fails the same way at once: the request does not wait for the pool twice
    assert first.value.reason is later.value.reason is UnavailableReason.OVERLOADED
    await connection.close()
    assert _all_idle(pool)


async def test_release_sends_no_reset_query_but_rolls_back_an_open_transaction(pool: Database) -> None:
    seen: list[str] = []
    async with pool.acquire() as conn:
        conn.add_query_logger(lambda query: seen.append(query.query))
        pid = conn.get_server_pid()
        # a transaction left open by an interrupted user
        await conn.execute("begin")
        await conn.execute("create temporary table left_behind (x int)")
    async with pool.acquire() as conn:
        # the same connection comes back (a pool of one), with the transaction rolled back
        assert conn.get_server_pid() == pid
        assert not conn.is_in_transaction()
        assert await conn.fetchval("select to_regclass('pg_temp.left_behind')") is None
    assert "ROLLBACK" in seen
    assert not [q for q in seen if "RESET ALL" in q or "pg_advisory_unlock_all" in q]


async def test_a_connection_lost_as_the_request_gives_it_back_ends_the_request_cleanly(pool: Database) -> None:
    # given a request that has read on its connection
    connection = RequestConnection(pool)
    raw = None
    async with connection.acquire() as conn:
        assert await conn.fetchval("select 1") == 1
        raw = conn._con  # the driver's connection behind the pool's proxy
    assert raw is not None

    # when the connection is lost just as the request hands it back (the database stopping under load: asyncpg
    # frees the pool's holder when the connection dies, before the release it already scheduled runs)
    asyncio.get_running_loop().call_soon(raw.terminate)
    await connection.close()

    # then closing does not fail the request (its answer is already made), and the pool serves the next one
    assert not connection.acquired
    async with pool.acquire() as conn:
        assert await conn.fetchval("select 1") == 1


async def test_a_write_connection_lost_as_it_is_handed_back_leaves_the_pool_usable(pool: Database) -> None:
    # given a write transaction on its own pooled connection, lost just as it is handed back
    async with pool.acquire() as conn:
        await conn.execute("select 1")
        asyncio.get_running_loop().call_soon(conn._con.terminate)
    # then the release did not raise a driver error, and the pool serves the next user
    async with pool.acquire() as conn:
        assert await conn.fetchval("select 1") == 1


async def test_a_total_asked_for_is_counted_with_its_page(db: asyncpg.Connection, served: AppClient) -> None:
    # given a citizen with a history
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 4)
    with_total = "{ me { medicalVisits(first: 2) { totalCount edges { node { id } } } } }"
    fragment = (
        "query { me { medicalVisits(first: 2) { ...T edges { node { id } } } } }"
        " fragment T on MedicalVisitConnection { totalCount }"
    )
    without = "{ me { medicalVisits(first: 2) { edges { node { id } } } } }"
    for query, total in ((with_total, 4), (fragment, 4), (without, None)):
        # when they ask for a page, with or without its total
        served.log.clear()
        result = await gql(served.http, query, token=citizen.token)
        visits = result["data"]["me"]["medicalVisits"]
        reads = [text for _, text in served.log.entries if "from medical_visits" in text]
        # then the page and its total (counted only when selected) travel in one statement (with the session,
        # once the worker knows the token: service/speculation.py)
        assert visits.get("totalCount") == total and len(visits["edges"]) == 2
        assert len(reads) == 1, [text.split()[:6] for text in reads]
        assert ("count(*)" in reads[0]) == (total is not None)
