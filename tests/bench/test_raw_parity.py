"""The raw asyncpg contender of the benchmark answers exactly what the GraphQL Home document answers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import orjson
import pytest

from bench.database import make_sessions
from bench.raw_asyncpg import create_raw_app
from tests.clients import asgi_client
from tests.graphql import contract, gql

HOME = contract("mobile/Home")


@pytest.fixture
async def raw_client(db_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_raw_app(db_dsn)
    async with app.router.lifespan_context(app), asgi_client(app) as http:
        yield http


async def test_raw_home_matches_graphql_home_for_every_sampled_person(
    client: httpx.AsyncClient, raw_client: httpx.AsyncClient, db_dsn: str
) -> None:
    # Given bench sessions for a sample of persons (with and without cards, visits, contributions)
    people = await make_sessions(db_dsn, 60)
    # and one of them without a valid card (the seed covers nearly everyone): the branch with no card
    conn = await asyncpg.connect(db_dsn)
    try:
        await conn.execute("update insurance_cards set revoked_at = now() where person_id = $1", people[-1].person_id)
    finally:
        await conn.close()
    answers = []
    for person in people:
        # When both endpoints answer Home for that person
        expected = await gql(client, HOME, token=person.token)
        raw = (await raw_client.post("/home", headers={"Authorization": f"Bearer {person.token}"})).json()

        # Then the answers are the same, field for field
        assert "errors" not in expected, expected
        assert orjson.loads(orjson.dumps(raw)) == expected, person.person_id
        answers.append(expected["data"]["me"])
    # and the sample covered every branch: cards, visits and contributions, and persons without them
    assert all(me is not None for me in answers)
    assert any(me["currentCard"] for me in answers) and not all(me["currentCard"] for me in answers)
    assert any(me["medicalVisits"]["edges"] for me in answers)
    assert any(me["contributionSummary"]["byScheme"] for me in answers)


async def test_raw_home_refuses_an_unknown_token(raw_client: httpx.AsyncClient) -> None:
    body = (await raw_client.post("/home", headers={"Authorization": "Bearer vsa_unknown"})).json()

    assert body["data"]["me"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


HISTORY = contract("mobile/MedicalHistory")


async def test_raw_history_matches_graphql_medical_history_for_every_sampled_person(
    client: httpx.AsyncClient, raw_client: httpx.AsyncClient, db_dsn: str
) -> None:
    # Given bench sessions for a sample of persons (with and without visits, with more than a page of them)
    people = await make_sessions(db_dsn, 60, seed=11)
    pages = []
    for person in people:
        # When both endpoints answer MedicalHistory (the bench's page of 20) for that person
        expected = await gql(client, HISTORY, {"first": 20}, token=person.token)
        raw = (await raw_client.post("/history", headers={"Authorization": f"Bearer {person.token}"})).json()

        # Then the answers are the same, field for field
        assert "errors" not in expected, expected
        assert orjson.loads(orjson.dumps(raw)) == expected, person.person_id
        pages.append(expected["data"]["me"]["medicalVisits"])
    # and the sample covered a full page with a next one, a short page, and an empty one
    assert any(page["pageInfo"]["hasNextPage"] for page in pages)
    assert any(page["edges"] and not page["pageInfo"]["hasNextPage"] for page in pages)
    assert any(not page["edges"] for page in pages)
