"""/healthz, /readyz and the GraphQL endpoint reaching the database."""

from __future__ import annotations

import dataclasses

import asyncpg
import httpx

from core.settings import Settings, load_settings
from db.pool import Database
from service.app import create_app
from tests.clients import app_client, asgi_client
from tests.graphql import contract, gql

PROVINCES = contract("public/Provinces")


async def test_healthz_answers_while_the_process_is_up(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_when_migrations_are_current(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_is_503_when_migrations_are_pending(fresh_dsn: str) -> None:
    # given a database whose last migration has been forgotten
    conn = await asyncpg.connect(fresh_dsn)
    await conn.execute("delete from schema_migrations where version = (select max(version) from schema_migrations)")
    await conn.close()

    async with app_client(load_settings({"DATABASE_URL": fresh_dsn}), fresh_dsn) as served:
        response = await served.http.get("/readyz")

    assert response.status_code == 503
    assert response.json()["reason"] == "migrations pending"


async def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    # given a real pool pointed at a port where nothing listens (min_size=0: it connects on first use)
    dsn = "postgresql://nobody@127.0.0.1:9/none"
    app = create_app(load_settings({"DATABASE_URL": dsn}), dsn)
    app.state.database = Database(await asyncpg.create_pool(dsn, min_size=0, max_size=1))

    try:
        async with asgi_client(app) as http:
            response = await http.get("/readyz")
    finally:
        await app.state.database.pool.close()

    assert response.status_code == 503
    assert response.json()["reason"] == "database unreachable"


async def test_graphql_reaches_the_database(shared_client: httpx.AsyncClient) -> None:
    result = await gql(shared_client, PROVINCES)

    provinces = result["data"]["provinces"]
    assert len(provinces) == 34
    assert sum(len(p["wards"]) for p in provinces) == 3321
    assert {k: provinces[0][k] for k in ("code", "name")} == {"code": "01", "name": "Thành phố Hà Nội"}


async def test_graphiql_is_served_to_a_browser(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower() and "Content-Security-Policy" in response.headers


async def test_readyz_stays_ready_when_every_connection_is_busy(shared_settings: Settings, shared_dsn: str) -> None:
    # given a one-connection pool whose connection is in use
    tight = dataclasses.replace(shared_settings, pool_min_size=1, pool_max_size=1, db_acquire_timeout_ms=100)
    async with app_client(tight, shared_dsn) as served, served.pool.acquire():
        response = await served.http.get("/readyz")

    # then a busy process is not taken out of rotation (that would turn load into an outage)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "busy": True}


async def test_every_response_carries_a_request_id(shared_client: httpx.AsyncClient) -> None:
    first = await shared_client.get("/healthz")
    second = await shared_client.get("/healthz")

    assert len({first.headers["x-request-id"], second.headers["x-request-id"]}) == 2
