"""CSRF and transport rules: mutations only by POST with application/json; no credential checks over GET; no batches."""

from __future__ import annotations

import json
from collections.abc import Mapping

import asyncpg
import httpx

from tests.factories import make_partner_key
from tests.graphql import contract

LOOKUP_VARIABLES = {
    "input": {"fullName": "A", "dateOfBirth": "1990-01-01", "provinceCode": "01", "nationalIdNumber": "001090000001"}
}
CARD_VARIABLES = {"cardNumber": "0190000001", "fullName": "A", "dateOfBirth": "1990-01-01"}


def code_of(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def get(client: httpx.AsyncClient, query: str, variables: Mapping[str, object] | None = None,
              headers: dict[str, str] | None = None, path: str = "/graphql") -> httpx.Response:
    params = {"query": query, **({"variables": json.dumps(variables)} if variables else {})}
    return await client.get(path, params=params, headers=headers or {})


async def test_a_mutation_over_get_is_refused(shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection) -> None:
    variables = {"socialInsuranceCode": "0190000001", "password": "VssID-demo-2026!"}
    response = await get(shared_client, contract("mobile/Login"), variables)
    assert response.status_code == 405 and code_of(response) == "METHOD_NOT_ALLOWED"
    assert response.headers["allow"] == "POST" and response.headers["cache-control"] == "no-store"
    assert await shared_db.fetchval("select count(*) from sessions") == 0


async def test_the_code_look_up_over_get_is_refused(shared_client: httpx.AsyncClient) -> None:
    response = await get(shared_client, contract("public/LookupSocialInsuranceCode"), LOOKUP_VARIABLES)
    assert response.status_code == 405 and code_of(response) == "METHOD_NOT_ALLOWED"
    assert response.json()["data"] is None
    # and by POST it runs
    posted = await shared_client.post("/graphql", json={"query": contract("public/LookupSocialInsuranceCode"),
                                                        "variables": LOOKUP_VARIABLES})
    assert posted.status_code == 200 and posted.json()["data"]["lookupSocialInsuranceCode"]["found"] is False


async def test_the_card_check_over_get_is_refused_even_with_a_key(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"])
    for path in ("/graphql", "/graphql/partner"):
        response = await get(client, contract("partner/VerifyInsuranceCard"), CARD_VARIABLES, {"X-API-Key": key}, path)
        assert response.status_code == 405 and code_of(response) == "METHOD_NOT_ALLOWED", path
    assert await db.fetchval("select count(*) from access_log") == 0


async def test_form_text_and_multipart_bodies_are_refused(shared_client: httpx.AsyncClient) -> None:
    body = json.dumps({"query": "mutation { logout { ok } }"})
    for content_type in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x",
                         "application/graphql", "application/jsonp"):
        response = await shared_client.post("/graphql", content=body, headers={"Content-Type": content_type})
        assert response.status_code == 415 and code_of(response) == "UNSUPPORTED_MEDIA_TYPE", content_type
    # a charset parameter is fine
    query = json.dumps({"query": "{ __typename }"})
    headers = {"Content-Type": "application/json; charset=utf-8"}
    response = await shared_client.post("/graphql", content=query, headers=headers)
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


async def test_a_json_array_batch_is_refused(shared_client: httpx.AsyncClient) -> None:
    login = {"socialInsuranceCode": "0190000001", "password": "x"}
    batch = [{"query": contract("mobile/Login"), "variables": login}] * 2
    response = await shared_client.post("/graphql", json=batch)
    assert response.status_code == 400 and code_of(response) == "BATCHING_NOT_SUPPORTED"


async def test_malformed_requests_get_a_clear_coded_error(shared_client: httpx.AsyncClient) -> None:
    bad = (
        b"{not json", b'"just a string"', b'{"query": 42}', b'{"query": "{ __typename }", "variables": []}', b"{}",
    )
    for body in bad:
        response = await shared_client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and code_of(response) == "BAD_REQUEST", body


async def test_the_partner_endpoint_is_read_only(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.post("/graphql/partner", json={"query": "mutation { logout { ok } }"})
    assert response.status_code == 405 and code_of(response) == "METHOD_NOT_ALLOWED"
    directory = await shared_client.post("/graphql/partner", json={"query": "{ provinces { code } }"})
    assert directory.status_code == 200 and len(directory.json()["data"]["provinces"]) == 34


async def test_bad_variables_and_operation_names_are_coded(shared_client: httpx.AsyncClient) -> None:
    query = "query Page($n: Int!) { facilities(first: $n) { totalCount } }"
    for variables in ({"n": "ten"}, {}):
        response = await shared_client.post("/graphql", json={"query": query, "variables": variables})
        assert code_of(response) == "BAD_USER_INPUT" and response.json()["data"] is None, variables
    response = await shared_client.post("/graphql", json={"query": query, "operationName": "Other"})
    assert response.status_code == 400 and code_of(response) == "BAD_REQUEST"
