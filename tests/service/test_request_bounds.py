"""What one request may take, whatever it asks: the answer's size is bounded while it is built, the deadline covers
the whole request, and requests that never execute spend a budget of their own."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from core.settings import Settings
from seed.demo import AN, CITIZEN_PASSWORD, PARTNER_API_KEY
from service import mistakes
from tests.clients import app_client, fresh_address
from tests.graphql import contract, error_codes

# ---- the answer's size --------------------------------------------------------------------------------------------

SMALL = 65_536


@pytest.fixture
async def small_answers(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = dataclasses.replace(shared_settings, max_response_bytes=SMALL)
    async with app_client(settings, shared_dsn, address=fresh_address()) as served:
        yield served.http


async def test_an_answer_past_the_bound_is_refused_whole(small_answers: httpx.AsyncClient) -> None:
    # 34 provinces with their 3,321 wards: about 145 KB
    response = await small_answers.post("/graphql", json={"query": contract("public/Provinces")})

    body = response.json()
    assert body["data"] is None and error_codes(body) == ["RESPONSE_TOO_LARGE"]
    assert body["errors"][0]["extensions"]["maximum"] == SMALL
    assert len(response.content) < 1000  # nothing of the answer is sent


async def test_the_bound_counts_what_is_built_not_what_is_asked(small_answers: httpx.AsyncClient) -> None:
    # each alias alone fits; together they do not, within the cost limit and whatever fields are chosen
    one = "f{i}: facilities(first: 100) {{ edges {{ node {{ code name address }} }} }}"
    assert error_codes((await small_answers.post("/graphql", json={"query": "{" + one.format(i=0) + "}"})).json()) == []
    many = "{" + " ".join(one.format(i=i) for i in range(6)) + "}"
    assert error_codes((await small_answers.post("/graphql", json={"query": many})).json()) == ["RESPONSE_TOO_LARGE"]


async def test_the_default_bound_lets_the_largest_contract_answers_through(client: httpx.AsyncClient) -> None:
    directory = await client.post(
        "/graphql/partner", json={"query": contract("partner/FacilityDirectory"), "variables": {"first": 1000}},
        headers={"X-API-Key": PARTNER_API_KEY},
    )
    provinces = await client.post("/graphql", json={"query": contract("public/Provinces")})

    page = directory.json()["data"]["facilities"]
    assert error_codes(directory.json()) == [] and len(page["edges"]) == min(1000, page["totalCount"]) > 100
    assert error_codes(provinces.json()) == []


async def test_a_mutation_s_answer_is_never_cut_short(settings: Settings, db_dsn: str) -> None:
    tiny = dataclasses.replace(settings, max_response_bytes=16)
    variables = {"socialInsuranceCode": AN.social_insurance_code, "password": CITIZEN_PASSWORD}
    async with app_client(tiny, db_dsn) as served:
        response = await served.http.post("/graphql", json={"query": contract("mobile/Login"), "variables": variables})

    # the session was created: dropping the answer would hide it from the client
    assert response.json()["data"]["login"]["accessToken"]


# ---- the deadline -------------------------------------------------------------------------------------------------


async def test_the_deadline_covers_reading_the_body(shared_settings: Settings, shared_dsn: str) -> None:
    quick = dataclasses.replace(shared_settings, request_timeout_seconds=0.2)

    async def slow_body() -> AsyncIterator[bytes]:
        yield b'{"query": "{ provinces '
        await asyncio.sleep(2)
        yield b'{ code } }"}'

    async with app_client(quick, shared_dsn, address=fresh_address()) as served:
        response = await served.http.post(
            "/graphql", content=slow_body(), headers={"Content-Type": "application/json"}
        )

    assert response.status_code == 504 and error_codes(response.json()) == ["TIMEOUT"]


# ---- requests that never execute ----------------------------------------------------------------------------------

# One of each kind: no parse, no validation, a size limit, variables that do not fit.
NEVER_EXECUTED = (
    {"query": "{ provinces { code }"},
    {"query": "{ secretField }"},
    {"query": "{" + " ".join(f"a{i}: __typename" for i in range(40)) + "}"},
    {"query": "query($code: String!) { facility(code: $code) { name } }", "variables": {"code": 5}},
)


@pytest.fixture
async def caller(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(shared_settings, shared_dsn, address=fresh_address()) as served:
        yield served.http


async def test_requests_that_never_execute_spend_a_budget(
    caller: httpx.AsyncClient, shared_settings: Settings, shared_dsn: str
) -> None:
    for i in range(mistakes.INVALID_PER_WINDOW):
        answered = await caller.post("/graphql", json=NEVER_EXECUTED[i % len(NEVER_EXECUTED)])
        assert answered.status_code == 200 and error_codes(answered.json()) != ["RATE_LIMITED"], i

    for body in NEVER_EXECUTED:  # past the budget every kind is refused, and says nothing of what was wrong
        refused = await caller.post("/graphql", json=body)
        assert refused.status_code == 429 and error_codes(refused.json()) == ["RATE_LIMITED"], body
        assert int(refused.headers["retry-after"]) > 0 and "secretField" not in refused.text
    # documents that execute still run for the same caller (many phones share one carrier address)
    valid = await caller.post("/graphql", json={"query": "{ provinces { code } }"})
    assert valid.status_code == 200 and len(valid.json()["data"]["provinces"]) == 34
    # and another caller has a budget of its own
    async with app_client(shared_settings, shared_dsn, address=fresh_address()) as other:
        assert error_codes((await other.http.post("/graphql", json=NEVER_EXECUTED[1])).json()) == [
            "GRAPHQL_VALIDATION_FAILED"
        ]
