"""Read replicas against a real streaming standby (pg_basebackup -R of the session's server, on a second port).

Given the app with DATABASE_REPLICA_URLS, when clients query, mutate, read others' data, send bad documents, and the
standby lags, dies and comes back, then queries read on the standby while it is healthy, every write lands on the
primary, a client reads its own writes, and no client sees an error.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from core.errors import ServiceUnavailable, UnavailableReason
from core.settings import load_settings
from db.combined import CombinedReads
from db.pool import Database, RequestConnection
from db.replica_server import StreamingReplica
from db.replicas import Replica, ReplicaState
from tests.clients import app_client
from tests.factories import PASSWORD, make_account, make_citizen, make_partner_key
from tests.family import add_grant
from tests.graphql import contract, error_codes, gql
from tests.replica import (
    STANDBY_PORT,
    app_on_replica,
    database_name,
    ensure_streaming,
    eventually,
    replay_paused,
    replica_state,
    route_count,
)

ME = "query Me { me { fullName inboxPreferences { kind enabled } } }"
SET_PREFERENCE = contract("mobile/InboxPreferences")
LOGIN = contract("mobile/Login")
FAMILY = contract("mobile/Family")
PROVINCES = contract("public/Provinces")
FACILITY_DIRECTORY = contract("partner/FacilityDirectory")
INSURANCE_BOOK = contract("mobile/InsuranceBook")
LOOKUP = contract("public/LookupSocialInsuranceCode")
NEW_NAME = "Trần Thị Mới Đổi"
# Long enough that a standby paused for a test stays in rotation (the lag tests set a short bound of their own).
PATIENT = {"VSSID_REPLICA_MAX_LAG_MS": "60000"}


@pytest.fixture(scope="module")
async def standby(admin_dsn: str, templates: None) -> AsyncIterator[StreamingReplica]:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the standby is made from the embedded server's binaries and data directory")
    home = Path(tempfile.mkdtemp(prefix="vssid-test-standby-"))
    replica = StreamingReplica(admin_dsn, home / "standby", STANDBY_PORT)
    try:
        await asyncio.to_thread(replica.create)
        await asyncio.to_thread(replica.start)
        yield replica
    finally:
        await asyncio.to_thread(replica.remove)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
async def streaming(standby: StreamingReplica, db_dsn: str) -> StreamingReplica:
    """The standby running, replaying, and holding the test's database as the primary has it."""
    await ensure_streaming(standby, db_dsn)
    return standby


async def test_a_query_reads_on_the_replica(streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str) -> None:
    # given a citizen known to the standby, whose name then changes on the primary while the standby is paused
    citizen = await make_citizen(db)
    await ensure_streaming(streaming, db_dsn)
    async with app_on_replica(db_dsn, streaming, **PATIENT) as served, replay_paused(streaming):
        await db.execute("update people set full_name = $2 where id = $1", citizen.id, NEW_NAME)

        # when the citizen queries
        result = await gql(served.http, ME, token=citizen.token)

        # then the answer is the standby's: the name before the change
        assert "errors" not in result
        assert result["data"]["me"]["fullName"] == citizen.full_name


async def test_a_client_reads_its_own_write_and_others_still_read_on_the_replica(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str
) -> None:
    # given two citizens known to the standby, and the standby paused
    writer, other = await make_citizen(db), await make_citizen(db, full_name="Phạm Văn Khác")
    await ensure_streaming(streaming, db_dsn)
    async with app_on_replica(db_dsn, streaming, **PATIENT) as served, replay_paused(streaming):
        await db.execute("update people set full_name = $2 where id = any($1::bigint[])", [writer.id, other.id],
                         NEW_NAME)

        # when one of them turns a kind of message off (a mutation: on the primary, a standby would refuse it)
        changed = await gql(served.http, SET_PREFERENCE, {"kind": "CARD_EXPIRING", "enabled": False},
                            token=writer.token)
        assert changed["data"]["setInboxPreference"]["errors"] == []

        # then the writer's next query sees the change (the standby has not replayed it: the primary answers)
        mine = await gql(served.http, ME, token=writer.token)
        preferences = {p["kind"]: p["enabled"] for p in mine["data"]["me"]["inboxPreferences"]}
        assert preferences["CARD_EXPIRING"] is False
        assert mine["data"]["me"]["fullName"] == NEW_NAME
        # and the other citizen still reads on the standby (the name before the change)
        theirs = await gql(served.http, ME, token=other.token)
        assert theirs["data"]["me"]["fullName"] == "Phạm Văn Khác"


async def test_a_write_made_through_one_process_is_read_through_another(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str
) -> None:
    # given two service processes (two apps, each with its own replica monitor and write feed), the standby paused
    writer = await make_citizen(db)
    await ensure_streaming(streaming, db_dsn)
    async with (
        app_on_replica(db_dsn, streaming, **PATIENT) as one,
        app_on_replica(db_dsn, streaming, **PATIENT) as other,
        replay_paused(streaming),
    ):
        # when the citizen writes through one process
        changed = await gql(one.http, SET_PREFERENCE, {"kind": "CARD_EXPIRING", "enabled": False},
                            token=writer.token)
        assert changed["data"]["setInboxPreference"]["errors"] == []

        # then its next query through the other process sees the write (the standby has not replayed it)
        async def sees_it() -> bool:
            mine = await gql(other.http, ME, token=writer.token)
            return {p["kind"]: p["enabled"] for p in mine["data"]["me"]["inboxPreferences"]}["CARD_EXPIRING"] is False

        await eventually(sees_it, within_seconds=2)


async def test_a_session_the_replica_does_not_know_yet_is_found_on_the_primary(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str
) -> None:
    # given an account, and the standby paused before its login
    person = await make_account(db)
    await ensure_streaming(streaming, db_dsn)
    async with app_on_replica(db_dsn, streaming, **PATIENT) as served, replay_paused(streaming):
        login = await gql(served.http, LOGIN, {"socialInsuranceCode": person.social_insurance_code,
                                               "password": PASSWORD})
        token = login["data"]["login"]["accessToken"]

        # when the new session queries from another process's point of view (no write of its own remembered)
        result = await gql(served.http, ME, token=token)

        # then it is signed in: the session the standby lacks was looked up on the primary
        assert "errors" not in result
        assert result["data"]["me"]["fullName"] == person.full_name


async def test_writes_that_reads_cause_land_on_the_primary(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str
) -> None:
    # given a grant from an owner to a grantee, a partner key, all known to the standby
    owner, grantee = await make_citizen(db, full_name="Đỗ Thị Chủ"), await make_citizen(db)
    await add_grant(db, owner.id, grantee.id, "LIVE")
    key = await make_partner_key(db)
    province = await db.fetchval("select province_code from people where id = $1", owner.id)
    await ensure_streaming(streaming, db_dsn)
    async with app_on_replica(db_dsn, streaming, **PATIENT) as served:
        before = route_count((await served.http.get("/metrics")).text, "replica")

        # when the grantee reads the owner's data, the partner pages the directory, an anonymous caller lists the
        # provinces and sends a document that does not validate (all queries, read on the standby)
        family = await gql(served.http, FAMILY, token=grantee.token)
        directory = await served.http.post("/graphql/partner", json={"query": FACILITY_DIRECTORY,
                                                                     "variables": {"first": 5}},
                                           headers={"X-API-Key": key})
        provinces = await gql(served.http, PROVINCES)
        invalid = await gql(served.http, "query Nope { nope }")
        # and the owner downloads the insurance book, someone looks up a code that matches nobody
        book = await gql(served.http, INSURANCE_BOOK, token=owner.token)
        lookup = await gql(served.http, LOOKUP, {"input": {
            "fullName": "Không Có Ai", "dateOfBirth": "1990-01-01", "provinceCode": province,
            "nationalIdNumber": "001090000000",
        }})

        # then every answer is whole (a write sent to the standby would have failed: read-only transaction)
        assert "errors" not in family and family["data"]["me"]["grantedPersons"]
        assert directory.status_code == 200 and "errors" not in directory.json()
        assert "errors" not in provinces
        assert error_codes(invalid) == ["GRAPHQL_VALIDATION_FAILED"]
        assert "errors" not in book and book["data"]["me"]["socialInsuranceBook"]["size"] > 0
        assert "errors" not in lookup and lookup["data"]["lookupSocialInsuranceCode"]["found"] is False
        assert route_count((await served.http.get("/metrics")).text, "replica") >= before + 6
        # and each write is on the primary: the access log, the key's use and its audit, both counters
        assert await db.fetchval("select count(*) from access_log where person_id = $1 and grant_id is not null",
                                 owner.id) >= 1
        assert await db.fetchval("select last_used_at is not null from api_keys where prefix = $1", key[:12])
        assert await db.fetchval("select count(*) from audit_events where event = 'api_key_used'") >= 1
        assert await db.fetchval("select count from throttle_counters where key like 'rate:directory:address:%'")
        assert await db.fetchval("select count from throttle_counters where key like 'rate:invalid:address:%'")
        assert await db.fetchval("select count(*) from access_log where person_id = $1 and actor_kind = 'SYSTEM'",
                                 owner.id) >= 1
        assert await db.fetchval("select count from throttle_counters where key = 'lookup-code:target:001090000000'")


async def test_a_lagging_replica_is_taken_out_and_comes_back(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str
) -> None:
    citizen = await make_citizen(db)
    await ensure_streaming(streaming, db_dsn)
    async with app_on_replica(db_dsn, streaming, VSSID_REPLICA_MAX_LAG_MS="1000") as served:
        assert await replica_state(served.http) == "healthy"
        async with replay_paused(streaming):
            # given the standby paused while the primary writes
            await db.execute("update people set full_name = $2 where id = $1", citizen.id, NEW_NAME)

            # when it falls behind past the bound, it is out of rotation
            await eventually(lambda: _state_is(served.http, "lagging"))
            metrics = (await served.http.get("/metrics")).text
            assert 'vssid_db_replica_up{replica="replica1"} 0.0' in metrics

            # and its reads go to the primary, fresh
            result = await gql(served.http, ME, token=citizen.token)
            assert result["data"]["me"]["fullName"] == NEW_NAME

        # then, replaying again, it comes back
        await eventually(lambda: _state_is(served.http, "healthy"))
        before = route_count((await served.http.get("/metrics")).text, "replica")
        result = await gql(served.http, ME, token=citizen.token)
        assert result["data"]["me"]["fullName"] == NEW_NAME
        assert route_count((await served.http.get("/metrics")).text, "replica") == before + 1


async def _state_is(http: httpx.AsyncClient, state: str) -> bool:
    return await replica_state(http) == state


async def test_a_server_that_is_not_a_standby_is_never_used_for_reads(db_dsn: str, db: asyncpg.Connection) -> None:
    # given the primary itself configured as a "replica" (as a promoted standby would look: not in recovery)
    citizen = await make_citizen(db)
    settings = load_settings({"DATABASE_URL": db_dsn, "DATABASE_REPLICA_URLS": db_dsn, "VSSID_DB_POOL_MIN": "1",
                              "VSSID_DB_POOL_MAX": "4"})

    async with app_client(settings, db_dsn) as served:
        # then it is out of rotation as not_standby, queries read on the primary, and the service is ready
        assert await replica_state(served.http) == "not_standby"
        before = route_count((await served.http.get("/metrics")).text, "primary")
        result = await gql(served.http, ME, token=citizen.token)
        assert result["data"]["me"]["fullName"] == citizen.full_name
        assert route_count((await served.http.get("/metrics")).text, "primary") == before + 1
        assert (await served.http.get("/readyz")).status_code == 200


@pytest.mark.slow
async def test_a_replica_killed_under_load_costs_no_error_and_comes_back(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str
) -> None:
    citizens = [await make_citizen(db) for _ in range(4)]
    await ensure_streaming(streaming, db_dsn)
    async with app_on_replica(db_dsn, streaming) as served:
        failures: list[object] = []
        answered = 0
        stop = asyncio.Event()

        async def client(token: str) -> None:
            nonlocal answered
            while not stop.is_set():
                response = await served.http.post("/graphql", json={"query": ME},
                                                  headers={"Authorization": f"Bearer {token}"})
                body = response.json()
                if response.status_code != 200 or "errors" in body or not body["data"]["me"]:
                    failures.append((response.status_code, body))
                answered += 1

        # given clients querying without pause
        tasks = [asyncio.create_task(client(c.token)) for c in citizens]
        await asyncio.sleep(1.0)
        before_kill = answered
        # when the standby's postmaster is killed
        await asyncio.to_thread(streaming.kill)
        await eventually(lambda: _state_is(served.http, "down"))
        await asyncio.sleep(1.0)
        # and started again
        await asyncio.to_thread(streaming.start)
        await eventually(lambda: _state_is(served.http, "healthy"), within_seconds=30)
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*tasks)

        # then no client saw an error, and they kept being answered throughout
        assert failures == []
        assert answered > before_kill
        # and reads are back on the standby
        before = route_count((await served.http.get("/metrics")).text, "replica")
        await gql(served.http, ME, token=citizens[0].token)
        assert route_count((await served.http.get("/metrics")).text, "replica") == before + 1


# Longer than the standby's max_standby_streaming_delay (5 s, db/replica_server.py): the replay cancels it first.
SLOW_READ = "select n from recovery_probe cross join pg_sleep(8)"


async def test_a_read_the_standbys_replay_cancels_fails_its_request_over_to_the_primary_and_keeps_the_replica(
    streaming: StreamingReplica, db: asyncpg.Connection, db_dsn: str, pool: asyncpg.Pool
) -> None:
    # given a table on the primary, replayed on the standby
    await db.execute("create table recovery_probe (n int); insert into recovery_probe values (7)")
    await ensure_streaming(streaming, db_dsn)
    standby_pool = await asyncpg.create_pool(streaming.dsn(database_name(db_dsn)), min_size=1, max_size=1)
    used: list[RequestConnection] = []
    try:
        replica = Replica("replica1", "standby", Database(standby_pool, 2.0), ReplicaState.HEALTHY)
        connection = RequestConnection(Database(pool, 2.0))
        connection.route(replica)
        used.append(connection)
        reads = CombinedReads(connection)
        # when a request's reads run on the standby, combined into one statement, one of them holding the table
        slow = asyncio.ensure_future(reads.fetch(SLOW_READ))
        quick = asyncio.ensure_future(reads.fetch("select 1 as one"))
        await asyncio.sleep(1.0)
        # and the primary takes a lock the standby's replay must take too (it waits for the read, then cancels it)
        await db.execute("begin; lock table recovery_probe in access exclusive mode; commit")
        outcomes = await asyncio.gather(slow, quick, return_exceptions=True)

        # then both reads fail as a replica conflict, not the read's own error, and none was sent again alone
        for outcome in outcomes:
            assert isinstance(outcome, ServiceUnavailable), outcome
            assert outcome.reason is UnavailableReason.REPLICA_CONFLICT
        failure = outcomes[0]
        assert isinstance(failure, ServiceUnavailable)
        cause = failure.__cause__
        assert isinstance(cause, asyncpg.PostgresError) and cause.sqlstate == "40001", cause
        assert "conflict with recovery" in str(cause)
        # and a later read of the request fails the same way at once, so the query goes to the primary whole
        with pytest.raises(ServiceUnavailable) as later:
            async with connection.acquire() as conn:
                await conn.fetchval("select 1")
        assert later.value.reason is UnavailableReason.REPLICA_CONFLICT
        # and once rerouted, the request reads on the primary; the replica was not taken out of rotation
        await connection.reroute()
        async with connection.acquire() as conn:
            assert await conn.fetchval("select n from recovery_probe") == 7
            assert await conn.fetchval("select pg_is_in_recovery()") is False
        assert replica.state is ReplicaState.HEALTHY
    finally:
        for connection in used:
            await connection.close()
        standby_pool.terminate()  # close() would wait for a read a failed test left running
