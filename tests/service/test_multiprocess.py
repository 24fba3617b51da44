"""Two real `serve` processes on one database share sessions, rate limits and the outbox: nothing that must be
shared lives in one process's memory."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from db import outbox
from tests.graphql import contract
from tests.service.serving import Served, serve

LOGIN = contract("mobile/Login")
HOME = contract("mobile/Home")
LOGOUT = contract("mobile/Logout")
pytestmark = pytest.mark.slow

PROVINCES = "query Provinces { provinces { code } }"
UNDELIVERED = "select count(*) from notification_outbox where delivered_at is null"
ATTEMPTS = "select dedupe_key, attempts from notification_outbox where dedupe_key like 'mp:%'"


@pytest.fixture
def two_processes(db_dsn: str, tmp_path: Path) -> Iterator[tuple[Served, Served]]:
    with serve(db_dsn, tmp_path / "a.log") as a, serve(db_dsn, tmp_path / "b.log") as b:
        yield a, b


async def _post(url: str, query: str, token: str | None = None, **variables: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


async def test_a_session_opened_on_one_process_works_and_ends_on_the_other(
    two_processes: tuple[Served, Served],
) -> None:
    a, b = two_processes
    login = await _post(a.url, LOGIN, socialInsuranceCode="0190000001", password="VssID-demo-2026!")
    token = login.json()["data"]["login"]["accessToken"]

    home = await _post(b.url, HOME, token)
    await _post(b.url, LOGOUT, token)
    after_logout = await _post(a.url, HOME, token)

    assert home.json()["data"]["me"]["socialInsuranceCode"] == "0190000001"
    assert [e["extensions"]["code"] for e in after_logout.json()["errors"]] == ["UNAUTHENTICATED"]


async def test_a_rate_limit_counts_requests_to_both_processes(two_processes: tuple[Served, Served]) -> None:
    a, b = two_processes
    statuses = []
    for i in range(121):
        response = await _post((a, b)[i % 2].url, PROVINCES)
        statuses.append(response.status_code)

    # 120 per minute per address in all (service/ratelimit.py), not 120 per process
    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429
    assert response.headers["X-RateLimit-Remaining"] == "0"


async def test_an_outbox_message_is_delivered_once_by_one_of_the_processes(
    two_processes: tuple[Served, Served], db: asyncpg.Connection
) -> None:
    a, b = two_processes
    keys = [f"mp:{i}" for i in range(60)]
    for key in keys:
        await outbox.enqueue(db, dedupe_key=key, person_id=None, channel="SMS", recipient="0900000000", body=key)

    async with asyncio.timeout(60):
        while await db.fetchval(UNDELIVERED):  # noqa: ASYNC110 - polling the database
            await asyncio.sleep(0.2)

    sent = Counter(
        line["message"].rsplit(": ", 1)[-1]
        for served in (a, b)
        for line in served.log_lines()
        if line["logger"] == "vssid.notifications" and line["message"].startswith("SMS to 0900000000")
    )
    assert sent == Counter(keys)
    assert dict(await db.fetch(ATTEMPTS)) == dict.fromkeys(keys, 1)
