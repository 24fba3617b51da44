"""Prometheus metrics at /metrics: requests by operation and outcome, latency, pool, loader batches, outbox backlog."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core import metrics
from core.settings import Settings, load_settings
from db import outbox
from service import observability
from service.app import create_app
from tests.clients import app_client, asgi_client
from tests.factories import open_demo_session
from tests.graphql import contract

PRODUCTION = {
    "VSSID_ENV": "production", "VSSID_SECRET_KEYS": "k1:" + "x" * 32, "VSSID_CARD_SIGNING_KEYS": "c1:" + "A" * 43,
    "VSSID_PAYMENT_GATEWAY_URL": "https://gateway.invalid", "VSSID_PAYMENT_MERCHANT": "VSSID01:" + "S" * 32,
}
HOME = contract("mobile/Home")


async def _samples(http: httpx.AsyncClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_requests_latency_and_loader_batches_are_counted(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    token = await open_demo_session(db, "citizen")
    requests = ("vssid_graphql_requests_total", (("operation", "Home"), ("outcome", "ok")))
    latency = ("vssid_graphql_request_duration_seconds_count", (("operation", "Home"),))
    batches = ("vssid_loader_batch_size_count", (("loader", "ContributionSummaryRowsByPersonIdLoader"),))
    before = await _samples(client)

    for _ in range(2):
        response = await client.post("/graphql", json={"query": HOME}, headers={"Authorization": f"Bearer {token}"})
        assert response.json()["data"]["me"]
    after = await _samples(client)

    for key in (requests, latency, batches):
        assert after[key] - before.get(key, 0.0) == 2
    assert after[("vssid_db_pool_connections", (("state", "max"),))] == 4


async def test_a_refusal_is_counted_under_its_error_code(shared_client: httpx.AsyncClient) -> None:
    key = ("vssid_graphql_requests_total", (("operation", "Me"), ("outcome", "UNAUTHENTICATED")))
    before = await _samples(shared_client)

    await shared_client.post("/graphql", json={"query": "query Me { me { id } }"})

    assert (await _samples(shared_client))[key] - before.get(key, 0.0) == 1


def quiet(dsn: str) -> Settings:
    """The outbox dispatcher off, in production with a metrics token."""
    env = {"DATABASE_URL": dsn, "VSSID_NOTIFICATION_DISPATCHER": "off", **PRODUCTION,
           "VSSID_METRICS_TOKEN": "scrape-secret"}
    return load_settings(env)


async def test_the_outbox_backlog_is_read_at_scrape(db_dsn: str, db: asyncpg.Connection) -> None:
    for key in ("m:1", "m:2"):
        await outbox.enqueue(db, dedupe_key=key, person_id=None, channel="SMS", recipient="0900000000", body="x")

    async with app_client(quiet(db_dsn), db_dsn) as served:
        samples = await _samples(served.http, Authorization="Bearer scrape-secret")

    assert samples[("vssid_outbox_backlog", ())] == 2


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "scrape-secret"])
async def test_metrics_need_the_token_when_one_is_set(shared_dsn: str, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    async with app_client(quiet(shared_dsn), shared_dsn) as served:
        response = await served.http.get("/metrics", headers=headers)

    assert response.status_code == 404


async def test_production_without_a_token_serves_no_metrics(shared_dsn: str) -> None:
    # No lifespan: the refusal comes before the pool is needed.
    app = create_app(load_settings({"DATABASE_URL": shared_dsn, **PRODUCTION}), shared_dsn)
    async with asgi_client(app) as http:
        response = await http.get("/metrics")

    assert response.status_code == 404


def test_operation_names_from_clients_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_operation_names", set())
    monkeypatch.setattr(metrics, "MAX_OPERATION_NAMES", 2)

    labels = [metrics.operation_label(name) for name in ("Home", "Login", "Home", "Third", "bad name", None)]

    assert labels == ["Home", "Login", "Home", "other", "other", "anonymous"]


async def test_a_workers_pool_gauges_are_set_at_most_twice_a_second(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    looks: list[int] = []
    monkeypatch.setattr(metrics, "observe_pool", lambda pool: looks.append(pool.get_size()))
    monkeypatch.setattr(observability, "_pool_observed", -1.0)
    for _ in range(5):
        await client.get("/healthz")
    assert len(looks) == 1  # five requests within half a second: one look at the pool
    monkeypatch.setattr(observability, "_pool_observed", -1.0)
    await client.get("/healthz")
    assert len(looks) == 2
