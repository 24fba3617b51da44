"""Free-text facility search: typos, unfinished words, ranking, paging by relevance and distance, the dictionary."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from core.settings import Settings
from db import directory
from schema.cursors import decode_cursor
from tests.clients import StatementLog, app_client
from tests.factories import add_facility, make_partner_key
from tests.graphql import gql
from tests.resolvers.test_directory import FACILITIES, facilities, names

KEY = "search-paging-key-01"
TARGET = "Bệnh viện Quảng Khoa Bạch Đằng"


def relevance(cursor: str) -> float:
    key = decode_cursor("facilities:relevance", cursor, (float, int))
    assert key is not None
    return float(key[0])


async def page_through(client: httpx.AsyncClient, **variables: Any) -> tuple[list[dict[str, Any]], int]:
    """Every edge of a list, page by page (with a directory:read key: the public rate limit is not the subject)."""
    edges: list[dict[str, Any]] = []
    after = None
    total = -1
    while True:
        result = await gql(client, FACILITIES, {**variables, "after": after}, api_key=KEY)
        assert "errors" not in result, result
        page = result["data"]["facilities"]
        total = page["totalCount"] if total < 0 else total
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            return edges, total
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
def small_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough that the 400-facility test directory takes every path: window, candidates, walk."""
    monkeypatch.setattr(directory, "CANDIDATE_LIMIT", 5)
    monkeypatch.setattr(directory, "WINDOW", 10)


# --- spelling -----------------------------------------------------------------------------------------------------

async def test_a_mistyped_word_is_corrected(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a facility whose words the query misspells: a transposition, a letter too many, a letter changed
    await add_facility(db, "01ZA1", TARGET)
    for query in (
        "benh vien quang khoa bahc dang", "benh vien quang khoa bach danng", "benh vien quamg khoa bach dang"
    ):
        found = await facilities(client, filter={"search": query}, first=3)
        assert names(found)[0] == TARGET, query


async def test_an_unfinished_last_word_is_completed(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await add_facility(db, "01ZA1", TARGET)
    await add_facility(db, "01ZA2", "Bệnh viện Quảng Khoa Bạch")  # lacks the word being typed
    found = await facilities(client, filter={"search": "benh vien quang khoa bach dan"}, first=3)
    assert names(found)[0] == TARGET


async def test_words_the_directory_does_not_hold_find_nothing(shared_client: httpx.AsyncClient) -> None:
    for query in ("zzqx wvvk", "!!! ???", "zzqx"):
        found = await facilities(shared_client, filter={"search": query}, first=5)
        assert found["edges"] == [] and found["totalCount"] == 0, query


async def test_a_long_query_counts_its_first_words(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await add_facility(db, "01ZA1", TARGET)
    query = "quang khoa bach dang benh vien " + " ".join(["zzqx"] * 30)  # under 200 characters, 36 words
    found = await facilities(client, filter={"search": query[:200]}, first=3)
    assert names(found)[0] == TARGET


# --- ranking ------------------------------------------------------------------------------------------------------

async def test_more_words_first_then_shorter_names(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given (inserted in the reverse of the expected order, so that id order cannot pass the test)
    await add_facility(db, "01ZA1", "Phòng khám Quảng Khoa")  # 2 of the 4 words
    await add_facility(db, "01ZA2", "Phòng khám Đa khoa Quảng Khoa Bạch Đằng số Một")  # 4 words, longer name
    await add_facility(db, "01ZA3", "Trạm y tế", address="Phố Quảng Khoa Bạch")  # 3 words, in the address
    await add_facility(db, "01ZA4", TARGET)  # 4 words, shorter name
    found = names(await facilities(client, filter={"search": "quang khoa bach dang"}, first=20))
    expected = [TARGET, "Phòng khám Đa khoa Quảng Khoa Bạch Đằng số Một", "Trạm y tế", "Phòng khám Quảng Khoa"]
    assert [name for name in found if name in expected] == expected


# --- paging -------------------------------------------------------------------------------------------------------

async def _assert_relevance_paging(client: httpx.AsyncClient, query: str) -> list[str]:
    edges, total = await page_through(client, filter={"search": query}, first=7)
    codes = [edge["node"]["code"] for edge in edges]
    scores = [relevance(edge["cursor"]) for edge in edges]
    assert total > 7 * 3  # several pages, or the test proves little
    assert len(codes) == len(set(codes)) == total
    assert scores == sorted(scores, reverse=True)
    return codes


async def test_paging_by_relevance_visits_every_match_once(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await make_partner_key(db, ["directory:read"], key=KEY)
    await _assert_relevance_paging(client, "tram y te xa")


async def test_paging_by_relevance_through_large_levels(
    client: httpx.AsyncClient, db: asyncpg.Connection, small_levels: None
) -> None:
    # given levels larger than the candidate limit: read in the shuffled order, by window, candidates and walk
    await make_partner_key(db, ["directory:read"], key=KEY)
    codes = await _assert_relevance_paging(client, "tram y te xa")
    # then it is the same set as with the limits that sort every level
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(directory, "CANDIDATE_LIMIT", 2000)
        assert set(await _assert_relevance_paging(client, "tram y te xa")) == set(codes)


async def test_paging_near_with_search_visits_every_match_once(
    client: httpx.AsyncClient, db: asyncpg.Connection, small_levels: None
) -> None:
    await make_partner_key(db, ["directory:read"], key=KEY)
    near = {"latitude": 21.0285, "longitude": 105.8542}
    edges, total = await page_through(client, filter={"search": "tram y te"}, near=near, first=9)
    codes = [edge["node"]["code"] for edge in edges]
    distances = [edge["node"]["distanceKm"] for edge in edges]
    assert total > 9 * 3
    assert len(codes) == len(set(codes)) == total
    assert distances == sorted(distances)


async def test_facilities_at_the_same_place_page_once(
    client: httpx.AsyncClient, db: asyncpg.Connection, small_levels: None
) -> None:
    # given twelve matches at exactly one point (equal distances: the id breaks the tie)
    await make_partner_key(db, ["directory:read"], key=KEY)
    for i in range(12):
        await add_facility(db, f"01ZC{i:X}", f"Phòng khám Quảng Khoa {i}", latitude=21.5, longitude=105.5)
    near = {"latitude": 21.5, "longitude": 105.5, "radiusKm": 0.5}
    edges, total = await page_through(client, filter={"search": "quang khoa"}, near=near, first=5)
    assert [e["node"]["name"] for e in edges] == [f"Phòng khám Quảng Khoa {i}" for i in range(12)] and total == 12


# --- the dictionary -----------------------------------------------------------------------------------------------

async def word_count(db: asyncpg.Connection, word: str) -> int | None:
    count: int | None = await db.fetchval("select documents from facility_words where word = $1", word)
    return count


async def test_the_dictionary_follows_inserts_updates_and_deletes(db: asyncpg.Connection) -> None:
    before = await word_count(db, "benh")
    assert before  # the seeded directory was counted
    pk = await add_facility(db, "01ZA1", "Bệnh viện Xuyênquốc")
    assert await word_count(db, "xuyenquoc") == 1 and await word_count(db, "benh") == before + 1
    await db.execute("update facilities set name = 'Phòng khám Xuyênquốc Mới' where id = $1", pk)
    assert await word_count(db, "benh") == before and await word_count(db, "xuyenquoc") == 1
    assert await word_count(db, "moi") is not None
    unchanged = await db.fetch("select * from facility_words order by word")
    await db.execute("update facilities set updated_at = now()")  # words unchanged: counts unchanged
    assert await db.fetch("select * from facility_words order by word") == unchanged
    await db.execute("delete from facilities where id = $1", pk)
    assert await word_count(db, "xuyenquoc") == 0


async def test_a_new_word_is_found_at_once(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await add_facility(db, "01ZA1", "Phòng khám Xuyênquốc")
    found = await facilities(client, filter={"search": "xuyenquoc"}, first=3)
    assert names(found) == ["Phòng khám Xuyênquốc"]
    found = await facilities(client, filter={"search": "xuyenquo"}, first=3)  # unfinished
    assert names(found) == ["Phòng khám Xuyênquốc"]


async def test_a_first_page_that_tells_its_total_sends_no_count(
    settings: Settings, db_dsn: str, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`totalCount` of a first page is the page's own figure when it has one, without the count statement (most of
    a search's database time): a page that is not full holds every match, and a search near a point whose page came
    from the GIN index's candidates carries their number. Any other page is counted. Every total is the number of
    facilities met by paging through the whole list."""
    await make_partner_key(db, ["directory:read"], key=KEY)
    await add_facility(db, "01ZA1", TARGET)
    monkeypatch.setattr(directory, "WINDOW", 1)  # no first look in page order: the candidates give the page
    near = {"latitude": 21.0285, "longitude": 105.8542}
    log = StatementLog()
    async with app_client(settings, db_dsn, log=log) as served:

        async def first_page(**variables: Any) -> tuple[int, str | None, int]:
            log.clear()
            result = await gql(served.http, FACILITIES, variables, api_key=KEY)
            assert "errors" not in result, result
            page = result["data"]["facilities"]
            counts = sum("select count(*) from facilities" in statement for statement in log.statements)
            return page["totalCount"], page["pageInfo"]["endCursor"], counts

        async def every(**variables: Any) -> int:
            edges, _ = await page_through(served.http, **variables)
            return len(edges)

        # a search near a point, its full first page from the candidates: told by them
        nearby = {"filter": {"search": "tram y te"}, "near": near}
        total, cursor, counts = await first_page(**nearby, first=3)
        assert (total, counts) == (await every(**nearby, first=50), 0)
        assert total > 3
        # the page after it: counted (the candidates after a cursor are not all the matches)
        later_total, _, counts = await first_page(**nearby, first=3, after=cursor)
        assert (later_total, counts) == (total, 1)
        # a first page that is not full, by relevance: it holds every match
        rare = {"filter": {"search": "quang khoa bach dang"}}
        total, _, counts = await first_page(**rare, first=100)
        assert (total, counts) == (await every(**rare, first=100), 0)
        # a full first page in code order: counted
        total, _, counts = await first_page(first=5)
        assert (total, counts) == (await every(first=100), 1)
        assert total > 5

