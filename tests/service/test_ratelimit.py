"""Directory rate limits: counted in PostgreSQL, announced in headers, RATE_LIMITED with the time to retry."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from prometheus_client import REGISTRY

from service import ratelimit
from tests.factories import make_partner_key

PROVINCES = {"query": "query { provinces { code } }"}


async def test_headers_count_down_the_anonymous_quota(shared_client: httpx.AsyncClient) -> None:
    first = await shared_client.post("/graphql", json=PROVINCES)
    second = await shared_client.post("/graphql", json=PROVINCES)
    limit = ratelimit.PUBLIC_REQUESTS_PER_WINDOW
    assert first.headers["x-ratelimit-limit"] == str(limit)
    assert first.headers["x-ratelimit-remaining"] == str(limit - 1)
    assert second.headers["x-ratelimit-remaining"] == str(limit - 2)


async def test_over_the_limit_answers_rate_limited_and_does_not_run(
    shared_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "PUBLIC_REQUESTS_PER_WINDOW", 3)
    for _ in range(3):
        assert (await shared_client.post("/graphql", json=PROVINCES)).status_code == 200
    response = await shared_client.post("/graphql", json=PROVINCES)
    body = response.json()
    assert response.status_code == 429 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    retry = body["errors"][0]["extensions"]["retryAfterSeconds"]
    assert 0 < retry <= ratelimit.WINDOW_SECONDS and response.headers["retry-after"] == str(retry)
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.headers["cache-control"] == "no-store"


async def test_a_directory_key_has_its_own_higher_quota(
    client: httpx.AsyncClient, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "PUBLIC_REQUESTS_PER_WINDOW", 1)
    key = await make_partner_key(db, ["directory:read"])
    assert (await client.post("/graphql", json=PROVINCES)).status_code == 200
    assert (await client.post("/graphql", json=PROVINCES)).status_code == 429
    keyed = await client.post("/graphql", json=PROVINCES, headers={"X-API-Key": key})
    assert keyed.status_code == 200
    assert keyed.headers["x-ratelimit-limit"] == str(ratelimit.PARTNER_REQUESTS_PER_WINDOW)


async def test_the_count_is_shared_through_postgresql(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await client.post("/graphql", json=PROVINCES)
    count = await db.fetchval("select count from throttle_counters where key like 'rate:directory:address:%'")
    assert count == 1


async def test_a_directory_operation_run_again_after_its_plan_is_counted_once(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given a directory query the planned executor starts and abandons (a page too large: the resolver refuses it,
    # and graphql-core runs the operation again to word the error)
    def fell_back() -> float:
        return REGISTRY.get_sample_value("vssid_planned_operations_total", {"outcome": "fallback"}) or 0.0

    before = fell_back()
    query = {"query": "query { facilities(first: 5000) { totalCount } provinces { code } }"}
    response = await client.post("/graphql", json=query)

    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert fell_back() == before + 1
    # then the budget is spent once: by the operation, not by each run of its resolvers
    assert response.headers["x-ratelimit-remaining"] == str(ratelimit.PUBLIC_REQUESTS_PER_WINDOW - 1)
    count = await db.fetchval("select count from throttle_counters where key like 'rate:directory:address:%'")
    assert count == 1


async def test_non_directory_operations_are_not_counted(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.post("/graphql", json={"query": "query { __typename }"})
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}
    assert "x-ratelimit-limit" not in response.headers


async def test_fetching_directory_objects_by_id_spends_the_same_budget(
    shared_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a facility's global ID, and a budget of three directory requests
    first_page = {"query": "{ facilities(first: 1) { edges { node { id } } } }"}
    facility = await shared_client.post("/graphql", json=first_page)
    node_id = facility.json()["data"]["facilities"]["edges"][0]["node"]["id"]
    monkeypatch.setattr(ratelimit, "PUBLIC_REQUESTS_PER_WINDOW", 3)
    by_id = {"query": "query N($id: ID!) { node(id: $id) { id } }", "variables": {"id": node_id}}

    # when the caller switches to node(id:), the count goes on: it is no way around the directory's limit
    answers = [await shared_client.post("/graphql", json=by_id) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
