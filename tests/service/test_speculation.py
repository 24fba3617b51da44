"""A query's viewer guessed from its token's hint, its session read with its first reads (service/speculation.py):
one statement fewer when the guess holds, and nothing of the guess shown or written when it does not."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from starlette.requests import Request
from starlette.responses import Response

from auth.request import viewer_of_session
from auth.viewer import Viewer, ViewerKind
from core.metrics import PLAN_OUTCOMES, VIEWER_GUESSES
from core.settings import Settings, load_settings
from db.pool import Database, RequestConnection
from loaders.base import GuessedViewerWrite, Loaders
from loaders.context import Context
from loaders.family import AccessLogWriter
from service import speculation
from tests.clients import AppClient, StatementLog, app_client
from tests.factories import add_visits, make_citizen
from tests.family import add_grant
from tests.graphql import contract, error_codes, gql

HOME = contract("mobile/Home")
SESSION = "from sessions"


@pytest.fixture
def quiet(db_dsn: str) -> Settings:
    # Only the requests' statements in the log: no dispatcher, no housekeeping.
    env = {"VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0"}
    return load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4", **env})


@pytest.fixture
async def served(quiet: Settings, db_dsn: str) -> AsyncIterator[AppClient]:
    async with app_client(quiet, db_dsn, log=StatementLog()) as app:
        yield app


def _guesses() -> tuple[float, float]:
    held: float = VIEWER_GUESSES.labels("held")._value.get()
    missed: float = VIEWER_GUESSES.labels("missed")._value.get()
    return held, missed


def _changed(before: tuple[float, float]) -> tuple[float, float]:
    after = _guesses()
    return after[0] - before[0], after[1] - before[1]


async def _home(served: AppClient, token: str) -> tuple[dict[str, Any], list[str]]:
    served.log.clear()
    answer = await gql(served.http, HOME, token=token)
    return answer, list(served.log.statements)


async def test_a_second_query_reads_its_session_with_its_first_reads(
    db: asyncpg.Connection, served: AppClient
) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 3)
    first, first_statements = await _home(served, citizen.token)
    before = _guesses()
    second, second_statements = await _home(served, citizen.token)
    assert "errors" not in first and second == first
    # first: the session alone, then the reads; second: one statement (the reference rows are at hand by then)
    assert SESSION in first_statements[0] and "array(select q" not in first_statements[0]
    assert len(second_statements) == 1, [s.split()[:6] for s in second_statements]
    assert SESSION in second_statements[0] and "from medical_visits" in second_statements[0]
    assert _changed(before) == (1, 0)


async def test_a_revoked_session_is_found_by_the_same_statement_and_nothing_of_the_guess_shows(
    db: asyncpg.Connection, served: AppClient
) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 2)
    await _home(served, citizen.token)
    await db.execute("update sessions set revoked_at = now() where person_id = $1", citizen.id)
    before = _guesses()
    answer, _ = await _home(served, citizen.token)
    assert answer["data"] == {"me": None} and error_codes(answer) == ["UNAUTHENTICATED"]
    assert _changed(before) == (0, 1)
    # the hint is gone with it: the next request reads the session first, alone, as without hints
    _, statements = await _home(served, citizen.token)
    assert _changed(before) == (0, 1) and SESSION in statements[0] and "array(select q" not in statements[0]


async def test_a_changed_record_or_access_is_not_guessed_past(db: asyncpg.Connection, served: AppClient) -> None:
    citizen = await make_citizen(db, full_name="Trần Văn Cũ")
    await _home(served, citizen.token)
    await db.execute("update people set full_name = 'Trần Văn Mới' where id = $1", citizen.id)
    before = _guesses()
    answer, _ = await _home(served, citizen.token)
    assert answer["data"]["me"]["fullName"] == "Trần Văn Mới"
    assert _changed(before) == (0, 1)
    # a grant accepted since (the access the session carries changed): missed too, then held again
    owner = await make_citizen(db, full_name="Người Cho Phép")
    await add_grant(db, owner.id, citizen.id, "LIVE")
    await _home(served, citizen.token)
    await _home(served, citizen.token)
    assert _changed(before) == (1, 2)


async def test_without_hints_the_session_is_read_first_every_time(
    db: asyncpg.Connection, quiet: Settings, db_dsn: str
) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 2)
    off = dataclasses.replace(quiet, viewer_hints=0)
    async with app_client(off, db_dsn, log=StatementLog()) as served:
        await _home(served, citizen.token)
        before = _guesses()
        _, statements = await _home(served, citizen.token)
    assert len(statements) == 2 and SESSION in statements[0] and SESSION not in statements[1]
    assert _changed(before) == (0, 0)


async def test_a_mutation_reads_its_session_first(db: asyncpg.Connection, served: AppClient) -> None:
    citizen = await make_citizen(db)
    await _home(served, citizen.token)
    served.log.clear()
    before = _guesses()
    await gql(served.http, contract("mobile/Logout"), token=citizen.token)
    assert SESSION in served.log.statements[0] and "array(select q" not in served.log.statements[0]
    assert _changed(before) == (0, 0)


async def test_nothing_is_written_for_a_guessed_viewer(shared_dsn: str) -> None:
    database = Database(await asyncpg.create_pool(shared_dsn, min_size=1, max_size=1))
    connection = RequestConnection(database)
    try:
        loaders = Loaders(connection, Viewer(kind=ViewerKind.CITIZEN, person_id=1))
        loaders.guessed = True
        with pytest.raises(GuessedViewerWrite):
            await loaders.get(AccessLogWriter).load((2, "CARD"))
    finally:
        await connection.close()
        await database.pool.close()


async def test_the_same_session_row_verifies_the_guess_without_making_the_viewer_again(
    db: asyncpg.Connection, served: AppClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Any] = []
    original = viewer_of_session

    def counted(row: Any, address: str | None) -> Viewer:
        made.append(row)
        return original(row, address)

    monkeypatch.setattr(speculation, "viewer_of_session", counted)
    citizen = await make_citizen(db)
    first, _ = await _home(served, citizen.token)
    before = _guesses()
    second, _ = await _home(served, citizen.token)
    third, _ = await _home(served, citizen.token)
    # the row read with the first reads is the row the hint was made from: nothing to make, the guess held
    assert second == third == first and "errors" not in first
    assert made == [] and _changed(before) == (2, 0)
    # and a row that differs in anything is looked at again (the person's record here): a miss
    await db.execute("update people set phone = '0912000111' where id = $1", citizen.id)
    fourth, _ = await _home(served, citizen.token)
    assert len(made) == 1 and _changed(before) == (2, 1)
    assert "errors" not in fourth


GRANTED = "{ me { grantedPersons { fullName medicalVisits(first: 2) { edges { node { id admittedAt } } } } } }"


async def _logged(db: asyncpg.Connection, person_id: int) -> int:
    count: int = await db.fetchval("select count(*) from access_log where person_id = $1", person_id)
    return count


def _outcome(name: str) -> float:
    value: float = PLAN_OUTCOMES.labels(name)._value.get()
    return value


async def test_a_grantees_read_on_a_guess_is_logged_once_the_session_confirms_it(
    db: asyncpg.Connection, served: AppClient
) -> None:
    """The access log of a grantee's read is a write: on a guessed viewer it waits for the session's check, and
    the plan goes on (it used to be given up for graphql-core's path whenever the viewer was guessed)."""
    owner, grantee = await make_citizen(db), await make_citizen(db)
    await add_grant(db, owner.id, grantee.id, "LIVE")
    await add_visits(db, owner.id, 2)
    first = await gql(served.http, GRANTED, token=grantee.token)  # the session read first: the hint is made
    assert "errors" not in first and len(first["data"]["me"]["grantedPersons"][0]["medicalVisits"]["edges"]) == 2
    logged, before = await _logged(db, owner.id), _guesses()
    planned, fell_back = _outcome("planned"), _outcome("fallback")
    second = await gql(served.http, GRANTED, token=grantee.token)
    assert second == first
    assert _changed(before) == (1, 0)
    assert (_outcome("planned") - planned, _outcome("fallback") - fell_back) == (1, 0)
    assert await _logged(db, owner.id) > logged


async def test_a_grantees_read_on_a_guess_the_session_refutes_writes_nothing(
    db: asyncpg.Connection, served: AppClient
) -> None:
    owner, grantee = await make_citizen(db), await make_citizen(db)
    await add_grant(db, owner.id, grantee.id, "LIVE")
    await gql(served.http, GRANTED, token=grantee.token)
    await db.execute("update sessions set revoked_at = now() where person_id = $1", grantee.id)
    logged, before = await _logged(db, owner.id), _guesses()
    answer = await gql(served.http, GRANTED, token=grantee.token)
    assert answer["data"] == {"me": None} and error_codes(answer) == ["UNAUTHENTICATED"]
    assert _changed(before) == (0, 1)
    assert await _logged(db, owner.id) == logged


@pytest.mark.parametrize("held", [True, False])
async def test_the_guess_is_checked_once_for_callers_at_the_same_time(
    shared_dsn: str, quiet: Settings, held: bool
) -> None:
    """A write waiting for the check and the plan's end may ask at once: one check, one outcome for both."""
    database = Database(await asyncpg.create_pool(shared_dsn, min_size=1, max_size=1))
    guessed = Viewer(kind=ViewerKind.CITIZEN, person_id=1)
    actual = Viewer(kind=ViewerKind.CITIZEN, person_id=2)
    try:
        context = Context(
            request=Request({"type": "http", "headers": []}), response=Response(), database=database,
            settings=quiet, viewer=guessed, connection=RequestConnection(database),
        )
        context.loaders.guessed = True
        checks: list[int] = []
        gate = asyncio.Event()

        async def check() -> Viewer | None:
            checks.append(1)
            await gate.wait()
            return None if held else actual

        context.viewer_check = check
        first = asyncio.ensure_future(speculation.settle(context))
        second = asyncio.ensure_future(speculation.settle(context))
        await asyncio.sleep(0.01)
        assert not first.done() and not second.done()  # the second waits for the first's check
        gate.set()
        assert await first is held and await second is held and checks == [1]
        assert context.viewer_check is None and await speculation.settle(context) is True
        assert context.viewer is (guessed if held else actual) and not context.loaders.guessed
    finally:
        await database.pool.close()
