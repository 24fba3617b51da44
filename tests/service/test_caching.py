"""HTTP caching: anonymous directory queries over GET are cacheable with an ETag; everything else is no-store."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest
from strawberry.extensions import SchemaExtension

from service import documents
from service.schema import schema
from tests.factories import make_partner_key

PROVINCES = "query { provinces { code name } }"
FACILITY = "query F($code: String!) { facility(code: $code) { code name } }"
LOOKUP = """
query { lookupSocialInsuranceCode(input: {fullName: "A", dateOfBirth: "1990-01-01", provinceCode: "01",
                                          nationalIdNumber: "001090000001"}) { found } }
"""


async def get(client: httpx.AsyncClient, query: str, variables: dict[str, str] | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
    params = {"query": query}
    if variables:
        params["variables"] = json.dumps(variables)
    return await client.get("/graphql", params=params, headers=headers or {})


async def test_anonymous_directory_query_over_get_is_public_with_etag(shared_client: httpx.AsyncClient) -> None:
    response = await get(shared_client, PROVINCES)
    assert response.status_code == 200 and len(response.json()["data"]["provinces"]) == 34
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    # when the shared_client asks again with the ETag it holds
    again = await get(shared_client, PROVINCES, headers={"If-None-Match": etag})
    # then the answer is 304 with no body
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag


async def test_a_different_answer_has_a_different_etag(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    codes = [r["code"] for r in await shared_db.fetch("select code from facilities order by code limit 2")]
    first = await get(shared_client, FACILITY, {"code": codes[0]})
    second = await get(shared_client, FACILITY, {"code": codes[1]})
    assert first.headers["etag"] != second.headers["etag"]
    stale = await get(shared_client, FACILITY, {"code": codes[1]}, {"If-None-Match": first.headers["etag"]})
    assert stale.status_code == 200


async def test_requests_with_credentials_are_no_store(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["directory:read"])
    for headers in ({"X-API-Key": key}, {"Authorization": "Bearer not-a-token"}):
        response = await get(client, PROVINCES, headers=headers)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store" and "etag" not in response.headers


async def test_personal_and_failed_answers_are_no_store(shared_client: httpx.AsyncClient) -> None:
    for query, variables in ((LOOKUP, None), (FACILITY, {"code": "bad code"})):
        response = await get(shared_client, query, variables)
        assert response.headers["cache-control"] == "no-store", query
    response = await shared_client.post("/graphql", json={"query": LOOKUP})
    assert response.headers["cache-control"] == "no-store"


async def test_mutations_are_refused_over_get(shared_client: httpx.AsyncClient) -> None:
    response = await get(shared_client, "mutation { logout { ok } }")
    assert response.status_code in (400, 405)
    assert "cache-control" not in response.headers or response.headers["cache-control"] == "no-store"


def test_a_document_is_parsed_and_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    for name in ("parse", "validate"):
        original = getattr(documents, name)
        monkeypatch.setattr(documents, name, functools.partial(_counted, calls, name, original))
    cache = documents.DocumentCache(schema._schema, schema.policy)
    for query in (PROVINCES, "{ provincs { code } }"):
        first = cache.prepare(query)
        assert cache.prepare(query) is first
    # the valid document and the invalid one were each parsed and validated once, errors included
    assert calls == ["parse", "validate", "parse", "validate"]
    assert cache.prepare("{ provincs { code } }").errors[0].extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}


def _counted(calls: list[str], name: str, original: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    calls.append(name)
    return original(*args, **kwargs)


def test_the_document_cache_is_bounded() -> None:
    cache = documents.DocumentCache(schema._schema, schema.policy, maxsize=2)
    for query in ("{ __typename }", PROVINCES, "{ support { hotline } }", "{ __typename }"):
        cache.prepare(query)
    info = cache.cache_info()
    assert info.currsize == 2 and info.hits == 0 and info.misses == 4


async def test_requests_share_the_prepared_document(shared_client: httpx.AsyncClient) -> None:
    query = "query CacheProbe { provinces { code name } }"
    before = schema.documents.cache_info()
    for _ in range(3):
        assert (await shared_client.post("/graphql", json={"query": query})).status_code == 200
    after = schema.documents.cache_info()
    assert after.misses - before.misses == 1 and after.hits - before.hits >= 2


def test_no_extension_wraps_field_resolution() -> None:
    # A `resolve` hook runs for every field of every answer; ours run once per operation.
    extensions = schema.get_extensions()
    assert extensions and all(type(e).resolve is SchemaExtension.resolve for e in extensions)
