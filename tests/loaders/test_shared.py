"""Reference rows shared by a worker's requests (loaders/shared.py), and the loaders' own construction."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import asyncpg
import pytest
from aiodataloader import DataLoader

from auth.viewer import anonymous
from core.settings import Settings
from db.provinces import provinces_by_code
from loaders import directory
from loaders.base import BaseLoader, PersonalLoader
from loaders.directory import FacilityByIdLoader
from loaders.shared import MISSING, SharedRows
from service import plan_run
from service.graphql import GraphQLApp
from service.plan_reference import reference_answer
from tests.clients import StatementLog, app_client
from tests.factories import add_visits, make_citizen
from tests.graphql import contract, gql

HOME = contract("mobile/Home")


def _reference_reads(log: StatementLog) -> int:
    """Reads of facilities and of ICD-10 codes (two reads may travel in one statement: db/combined.py)."""
    return sum(("from facilities" in s) + ("from icd10_codes" in s) for s in log.statements)


async def _home_twice(settings: Settings, db_dsn: str, db: asyncpg.Connection) -> tuple[int, int, Any, Any]:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 5)
    log = StatementLog()
    async with app_client(settings, db_dsn, log=log) as served:
        first = await gql(served.http, HOME, {}, token=citizen.token)
        reads_first = _reference_reads(log)
        log.clear()
        second = await gql(served.http, HOME, {}, token=citizen.token)
        return reads_first, _reference_reads(log), first, second


async def test_a_second_request_reads_no_reference_row_again(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    first_reads, second_reads, first, second = await _home_twice(settings, db_dsn, db)
    assert "errors" not in first and first == second
    assert first_reads == 2  # the facilities (card and visits together), the diagnoses
    assert second_reads == 0


async def test_sharing_off_reads_them_every_time(settings: Settings, db_dsn: str, db: asyncpg.Connection) -> None:
    off = dataclasses.replace(settings, reference_cache_seconds=0)
    first_reads, second_reads, first, second = await _home_twice(off, db_dsn, db)
    assert first == second and first_reads == second_reads == 2


def test_a_row_is_kept_for_its_seconds_and_the_oldest_leaves_first(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])  # loaders/shared.py reads the clock so
    rows = SharedRows(60, size=2)
    rows.put(FacilityByIdLoader, 1, {"id": 1})
    rows.put(FacilityByIdLoader, 2, None)  # no such facility: remembered as missing
    assert rows.get(FacilityByIdLoader, 1) == {"id": 1} and rows.get(FacilityByIdLoader, 2) is None
    assert rows.get(FacilityByIdLoader, 3) is MISSING and rows.get(directory.ProvinceByCodeLoader, 1) is MISSING
    now[0] += 61
    assert rows.get(FacilityByIdLoader, 1) is MISSING  # older than its 60 seconds
    for key in (4, 5, 6):
        rows.put(FacilityByIdLoader, key, {"id": key})
    assert rows.get(FacilityByIdLoader, 4) is MISSING and rows.get(FacilityByIdLoader, 6) == {"id": 6}
    assert len(rows) == 2
    off = SharedRows(0)
    off.put(FacilityByIdLoader, 1, {"id": 1})
    assert off.get(FacilityByIdLoader, 1) is MISSING


def _all_loaders(cls: type[BaseLoader] = BaseLoader) -> list[type[BaseLoader]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_loaders(sub)]
    return found


def test_only_reference_loaders_share_their_rows() -> None:
    sharing = {loader for loader in _all_loaders() if loader.shared}
    assert {FacilityByIdLoader, directory.DiagnosisByCodeLoader} <= sharing
    for loader in sharing:
        assert not issubclass(loader, PersonalLoader) and not loader.writes
        assert loader.__module__ == "loaders.directory"


async def test_a_loader_has_every_attribute_dataloader_would_give_it() -> None:
    """BaseLoader skips DataLoader.__init__: a new aiodataloader setting something more must fail here."""

    async def batch(keys: list[Any]) -> list[Any]:
        return keys

    expected = set(vars(DataLoader(batch_load_fn=batch))) - {"get_cache_key", "batch_load_fn"}
    ours = FacilityByIdLoader(None, anonymous(None))  # type: ignore[arg-type]
    assert expected <= set(vars(ours)) and ours.get_cache_key("k") == "k"
    assert asyncio.iscoroutinefunction(ours.batch_load_fn)  # the method aiodataloader calls, defined by the class


def test_a_shared_row_is_mapped_once_per_row_read() -> None:
    shared = SharedRows(60, size=2)
    made: list[dict[str, Any]] = []

    def facility(row: dict[str, Any]) -> dict[str, Any]:
        made.append(row)
        return {"mapped": row["code"]}

    row = {"code": "01-001"}
    first, again = shared.mapped(facility, row), shared.mapped(facility, row)
    assert first is again and made == [row]
    # the same values read again are another row: mapped anew (a name changed since shows)
    assert shared.mapped(facility, {"code": "01-001"}) is not first and len(made) == 2
    shared.mapped(facility, {"code": "01-002"})  # past the size: all forgotten, then mapped again once
    assert shared.mapped(facility, row) is not first and len(made) == 4


async def test_a_reference_objects_answer_is_kept_no_longer_than_its_rows(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    """The planned executor keeps the answer of a facility (with its province) made from shared rows
    (service/plan_run.py `pure`); a rename shows once the rows it was made of stop being shared, not later."""
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 1)
    facility_id, province = await db.fetchrow(
        "select f.id, f.province_code from medical_visits v join facilities f on f.id = v.facility_id"
        " where v.person_id = $1", citizen.id,
    )
    query = "{ me { medicalVisits(first: 1) { edges { node { facility { name province { name } } } } } } }"
    now = [1000.0]
    async with app_client(settings, db_dsn) as served:
        routes = [getattr(r, "endpoint", None) for r in served.app.routes if getattr(r, "path", "") == "/graphql"]
        assert isinstance(routes[0], GraphQLApp)
        shared = routes[0].shared_rows
        shared.clock = lambda: now[0]

        async def names(at: float) -> tuple[str, str]:
            now[0] = at
            visits = (await gql(served.http, query, token=citizen.token))["data"]["me"]["medicalVisits"]
            facility = visits["edges"][0]["node"]["facility"]
            return facility["name"], facility["province"]["name"]

        before = await names(1000.0)  # the rows read, shared until 1060
        # the province came with the facility's statement, a whole row of its own loader's, shared with it
        primed = shared.entry(directory.ProvinceByCodeLoader, province)
        assert primed is not None and dict(primed[1]) == dict((await provinces_by_code(db, [province]))[0])
        assert await names(1001.0) == before  # the facility's answer made from them, kept:
        assert any("province" in kept[2] for kept in shared.subtrees.values())
        await db.execute("update facilities set name = 'Bệnh viện Đã Đổi Tên' where id = $1", facility_id)
        await db.execute("update provinces set name = 'Tỉnh Đã Đổi Tên' where code = $1", province)
        assert await names(1030.0) == before  # within the minute the rows are shared
        assert await names(1061.0) == ("Bệnh viện Đã Đổi Tên", "Tỉnh Đã Đổi Tên")  # rows read again: not kept
        assert await names(1062.0) == ("Bệnh viện Đã Đổi Tên", "Tỉnh Đã Đổi Tên")


async def test_a_reference_answer_met_again_in_a_request_is_not_made_again(
    settings: Settings, db_dsn: str, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a page of visits all at one hospital, its rows shared after a first request
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 6)
    await db.execute(
        "update medical_visits set facility_id = (select min(facility_id) from medical_visits where person_id = $1)"
        " where person_id = $1",
        citizen.id,
    )
    made: list[str] = []
    original = reference_answer

    def counted(run: Any, plan: Any, entry: Any) -> Any:
        made.append(plan.response_name)
        return original(run, plan, entry)

    monkeypatch.setattr(plan_run, "reference_answer", counted)
    history = contract("mobile/MedicalHistory")
    async with app_client(settings, db_dsn) as served:
        first = await gql(served.http, history, {"first": 6}, token=citizen.token)
        made.clear()
        second = await gql(served.http, history, {"first": 6}, token=citizen.token)
    # then the hospital's answer is looked up once for the six visits, and each is the same as before
    assert "errors" not in first and second == first
    facilities = [edge["node"]["facility"] for edge in second["data"]["me"]["medicalVisits"]["edges"]]
    assert len(facilities) == 6 and all(f == facilities[0] for f in facilities)
    assert made.count("facility") == 1 and made.count("primaryDiagnosis") == 6


async def test_a_search_texts_reading_is_shared_until_it_expires(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    """The dictionary's reading of a search text (resolvers/directory.py `search_words`) is shared by the worker's
    requests like a reference row: the same search again sends no look-up, and gets the same answer; once the
    reading expires it is looked up again, and a word new to the dictionary is then found."""
    query = "query ($q: String!) { facilities(filter: {search: $q}, first: 5) { totalCount edges { node { code } } } }"
    now = [1000.0]
    log = StatementLog()
    async with app_client(settings, db_dsn, log=log) as served:
        routes = [getattr(r, "endpoint", None) for r in served.app.routes if getattr(r, "path", "") == "/graphql"]
        assert isinstance(routes[0], GraphQLApp)
        routes[0].shared_rows.clock = lambda: now[0]

        async def search(text: str, at: float) -> tuple[Any, int]:
            now[0] = at
            log.clear()
            answer = await gql(served.http, query, {"q": text})
            assert "errors" not in answer, answer
            return answer["data"]["facilities"], sum("search_words(" in s for s in log.statements)

        first, looked_up = await search("bệnh viện", 1000.0)
        again, looked_up_again = await search("bệnh viện", 1030.0)
        assert first["totalCount"] > 0 and again == first
        assert (looked_up, looked_up_again) == (1, 0)
        # a word no facility holds, read once; then a facility is named with it (the dictionary itself is kept
        # current by the database: migration 0006): not found while the first reading is kept, found after
        unknown, _ = await search("zyxwvu", 1000.0)
        assert unknown["totalCount"] == 0
        await db.execute("update facilities set name = 'Bệnh viện Zyxwvu' where id = (select min(id) from facilities)")
        kept, looked_up_kept = await search("zyxwvu", 1031.0)
        assert (kept["totalCount"], looked_up_kept) == (0, 0)
        later, looked_up_later = await search("zyxwvu", 1100.0)
        assert (later["totalCount"], looked_up_later) == (1, 1)
