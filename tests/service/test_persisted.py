"""Automatic persisted queries: a hash alone runs a stored document; unknown hashes ask for the document once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from core.errors import ErrorCode, RequestError
from core.settings import Settings
from service.persisted import PersistedQueries, sha256_hex
from tests.clients import app_client, fresh_address
from tests.graphql import contract

PROVINCES = contract("public/Provinces")


def persisted(query: str, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256_hex(query)}}


@pytest.fixture
async def own_app(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app of this test's own (the store of persisted documents lives in it) on the shared database."""
    async with app_client(shared_settings, shared_dsn, address=fresh_address()) as served:
        yield served.http


def code_of(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def test_an_unknown_hash_asks_for_the_document(own_app: httpx.AsyncClient) -> None:
    response = await own_app.post("/graphql", json={"extensions": persisted(PROVINCES)})
    assert response.status_code == 200 and code_of(response) == "PERSISTED_QUERY_NOT_FOUND"
    assert response.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_hash_and_document_are_stored_then_the_hash_alone_runs(own_app: httpx.AsyncClient) -> None:
    first = await own_app.post("/graphql", json={"query": PROVINCES, "extensions": persisted(PROVINCES)})
    assert len(first.json()["data"]["provinces"]) == 34
    again = await own_app.post("/graphql", json={"extensions": persisted(PROVINCES)})
    assert again.status_code == 200 and again.json() == first.json()


async def test_a_persisted_query_over_get_is_cacheable(own_app: httpx.AsyncClient) -> None:
    await own_app.post("/graphql", json={"query": PROVINCES, "extensions": persisted(PROVINCES)})
    response = await own_app.get("/graphql", params={"extensions": json.dumps(persisted(PROVINCES))},
                                headers={"Accept": "*/*"})
    assert response.status_code == 200 and len(response.json()["data"]["provinces"]) == 34
    assert response.headers["cache-control"] == "public, max-age=300" and "etag" in response.headers


async def test_a_persisted_mutation_over_get_is_refused(own_app: httpx.AsyncClient) -> None:
    logout = contract("mobile/Logout")
    await own_app.post("/graphql", json={"query": logout, "extensions": persisted(logout)})
    response = await own_app.get("/graphql", params={"extensions": json.dumps(persisted(logout))})
    assert response.status_code == 405 and code_of(response) == "METHOD_NOT_ALLOWED"


async def test_a_hash_that_does_not_match_its_document_is_refused(own_app: httpx.AsyncClient) -> None:
    response = await own_app.post("/graphql", json={"query": PROVINCES, "extensions": persisted("{ __typename }")})
    assert response.status_code == 400 and code_of(response) == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_other_versions_and_malformed_hashes_are_refused(own_app: httpx.AsyncClient) -> None:
    for extensions in (persisted(PROVINCES, version=2), {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
                       {"persistedQuery": "yes"}):
        response = await own_app.post("/graphql", json={"query": PROVINCES, "extensions": extensions})
        assert response.status_code == 400 and code_of(response) == "PERSISTED_QUERY_NOT_SUPPORTED", extensions


async def test_a_refused_document_is_not_stored(own_app: httpx.AsyncClient) -> None:
    bad = "{ provincs { code } }"
    response = await own_app.post("/graphql", json={"query": bad, "extensions": persisted(bad)})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    again = await own_app.post("/graphql", json={"extensions": persisted(bad)})
    assert code_of(again) == "PERSISTED_QUERY_NOT_FOUND"


def test_the_store_is_bounded_and_drops_the_least_recently_used() -> None:
    store = PersistedQueries(maxsize=2)
    documents = ["{ a }", "{ b }", "{ c }"]

    def use(query: str | None, digest_of: str) -> str | None:
        return store.resolve(query, persisted(digest_of), lambda _: True)

    use(documents[0], documents[0])
    use(documents[1], documents[1])
    assert use(None, documents[0]) == documents[0]  # a is now the most recently used
    use(documents[2], documents[2])
    assert len(store) == 2
    assert use(None, documents[0]) == documents[0]
    with pytest.raises(RequestError) as missing:
        use(None, documents[1])
    assert missing.value.code is ErrorCode.PERSISTED_QUERY_NOT_FOUND
