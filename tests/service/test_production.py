"""Production mode: no introspection or GraphiQL on the citizen endpoint; partners introspect on their own path.
In every mode: no "Did you mean ..." for any kind of name."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from graphql import graphql_sync

from core.settings import Settings
from service.schema import schema
from tests.clients import app_client, fresh_address
from tests.factories import make_partner_key
from tests.graphql import contract, error_codes, gql

SCHEMA_QUERY = "{ __schema { queryType { name } } }"
TYPE_QUERY = '{ __type(name: "Person") { name fields { name } } }'
OTP = "mutation($p: OtpPurpose!) { requestOtp(phone: \"0989000005\", purpose: $p) { errors { code } } }"
FILTER = "query($f: FacilityFilter) { facilities(filter: $f) { totalCount } }"
# One document per kind of name a suggestion could leak: what graphql-core would otherwise answer with.
SUGGESTION_BAITS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "field": ("{ provincs { code } }", None),
    "argument": ('{ facility(cod: "01001", code: "01001") { code } }', None),
    "enum value": ('mutation { requestOtp(phone: "0989000005", purpose: REGISTRATON) { errors { code } } }', None),
    "enum value in variables": (OTP, {"p": "REGISTRATON"}),
    "type": ("query($c: Strin!) { facility(code: $c) { code } }", {"c": "01001"}),
    "type condition": ("{ ...F } fragment F on Querry { __typename }", None),
    "input field": ('{ facilities(filter: {provinceCod: "01"}) { totalCount } }', None),
    "input field in variables": (FILTER, {"f": {"provinceCod": "01"}}),
    "abstract type": ('{ node(id: "x") { fullName } }', None),
}


@pytest.fixture
async def production(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app in production mode on the shared database, called from an address of this test's own."""
    settings = dataclasses.replace(shared_settings, environment="production")
    async with app_client(settings, shared_dsn, address=fresh_address()) as served:
        yield served.http


async def test_production_refuses_introspection_on_the_citizen_endpoint(production: httpx.AsyncClient) -> None:
    for query in (SCHEMA_QUERY, TYPE_QUERY):
        result = await gql(production, query)
        assert result["data"] is None and error_codes(result) == ["INTROSPECTION_DISABLED"], query
    # __typename is not introspection, and the app's documents still run
    assert (await gql(production, "{ __typename }"))["data"] == {"__typename": "Query"}
    assert len((await gql(production, contract("public/Provinces")))["data"]["provinces"]) == 34


async def test_production_serves_no_graphiql(production: httpx.AsyncClient) -> None:
    response = await production.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "graphiql" not in response.text.lower()
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_partners_introspect_on_their_read_only_path(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["directory:read"])
    async with app_client(dataclasses.replace(settings, environment="production"), db_dsn) as served:
        production = served.http
        anonymous = await production.post("/graphql/partner", json={"query": SCHEMA_QUERY})
        assert error_codes(anonymous.json()) == ["INTROSPECTION_DISABLED"]
        keyed = await production.post("/graphql/partner", json={"query": TYPE_QUERY}, headers={"X-API-Key": key})
        assert keyed.status_code == 200 and keyed.json()["data"]["__type"]["name"] == "Person"
        # the citizen endpoint stays closed to the same key
        citizen = await production.post("/graphql", json={"query": SCHEMA_QUERY}, headers={"X-API-Key": key})
        assert error_codes(citizen.json()) == ["INTROSPECTION_DISABLED"]


async def test_development_keeps_introspection_and_graphiql(shared_client: httpx.AsyncClient) -> None:
    assert (await gql(shared_client, SCHEMA_QUERY))["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    page = await shared_client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


@pytest.mark.parametrize("kind", list(SUGGESTION_BAITS))
def test_each_bait_would_leak_a_suggestion_without_our_guard(kind: str) -> None:
    # Proves the bait: plain graphql-core answers it with "Did you mean".
    query, variables = SUGGESTION_BAITS[kind]
    result = graphql_sync(schema._schema, query, variable_values=variables)
    assert result.errors and any("Did you mean" in e.message for e in result.errors)


async def test_no_suggestion_leaks_in_any_mode(shared_client: httpx.AsyncClient, production: httpx.AsyncClient) -> None:
    for mode, http in (("development", shared_client), ("production", production)):
        for kind, (query, variables) in SUGGESTION_BAITS.items():
            response = await http.post("/graphql", json={"query": query, "variables": variables})
            body = response.json()
            assert body["errors"], (mode, kind)
            assert "did you mean" not in response.text.lower(), (mode, kind, body)


async def test_production_validation_names_nothing_the_caller_did_not_write(
    shared_client: httpx.AsyncClient, production: httpx.AsyncClient
) -> None:
    # given mistakes whose plain messages name schema types the caller never wrote
    probes = [
        "{ me { passwordHash } }",  # graphql-core: ... on type 'Person'.
        "{ facilities(page: 2) { totalCount } }",  # graphql-core: Unknown argument 'page' on field 'Query.facilities'.
        "{ provinces }",  # graphql-core: Field 'provinces' of type '[Province!]!' must have a selection ...
    ]
    for query in probes:
        developed = (await gql(shared_client, query))["errors"][0]["message"]
        produced = (await gql(production, query))["errors"][0]["message"]
        # then development explains in full, and production keeps only what the caller wrote
        assert any(name in developed for name in ("Person", "Query", "Province")), developed
        assert not any(name in produced for name in ("Person", "Query", "Province")), produced
        assert "'…'" in produced
