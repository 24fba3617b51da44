"""Faults and load: the database goes away and comes back; the pool or password hashing is full.

The outage test runs its own embedded PostgreSQL (not the session's), stops it under load and starts it again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from auth.passwords import gate, verify_password
from core.settings import Settings, load_settings
from db.embedded import EmbeddedPostgres, ensure_database
from db.migrate import apply_migrations
from db.reference import load_reference_data
from seed import seed_database
from tests.clients import AppClient, app_client, fresh_address
from tests.graphql import contract

HOME = contract("mobile/Home")
LOGIN = contract("mobile/Login")
CHANGE_PASSWORD = contract("mobile/ChangePassword")
DEMO_PASSWORD = "VssID-demo-2026!"
CITIZENS = ("0190000001", "7990000002", "0190000006")
PASSWORD_CHANGED_EVENTS = """
select count(*) from audit_events e join people p on p.id = e.person_id
where e.event = 'password_changed' and p.social_insurance_code = $1
"""
PASSWORD_HASH = """
select a.password_hash from accounts a join people p on p.id = a.person_id where p.social_insurance_code = $1
"""


def _settings(dsn: str, **extra: str) -> Settings:
    env = {"DATABASE_URL": dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4", **extra}
    return load_settings(env)


@pytest.fixture
async def tight(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[AppClient]:
    """The app with a pool of one connection on the shared database (these requests only read)."""
    settings = dataclasses.replace(shared_settings, pool_max_size=1, db_acquire_timeout_ms=100)
    async with app_client(settings, shared_dsn, address=fresh_address()) as served:
        yield served


def _codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in body.get("errors") or []]


async def _post(http: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


async def test_a_full_pool_sheds_the_request_quickly_with_a_retry_hint(tight: AppClient) -> None:
    # given every pooled connection (one) held by someone else
    async with tight.pool.acquire():
        # when a request needs a connection
        response = await _post(tight.http, "{ provinces { code } }")

    # then it is refused at once as overloaded, with a retry hint, rather than queued
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["reason"] == "OVERLOADED"
    assert error["extensions"]["retryAfterSeconds"] >= 1


async def test_the_pool_serves_again_once_a_connection_is_free(tight: AppClient) -> None:
    async with tight.pool.acquire():
        refused = await _post(tight.http, "{ provinces { code } }")

    served = await _post(tight.http, "{ provinces { code } }")

    assert refused.status_code == 503
    assert served.status_code == 200
    assert len(served.json()["data"]["provinces"]) == 34


@pytest.fixture
async def full_password_gate() -> AsyncIterator[threading.Event]:
    """Password hashing with one worker and no queue, its one slot taken by a job that waits for the test."""
    release = threading.Event()
    workers, capacity = gate.workers, gate.capacity
    gate.configure(1, 0)
    blocker = asyncio.create_task(gate.run(lambda: str(release.wait(30))))
    await asyncio.sleep(0)  # the job takes its slot
    yield release
    release.set()
    await blocker
    gate.configure(workers, capacity - workers)


async def test_logins_are_refused_at_once_when_password_hashing_is_full(
    client: httpx.AsyncClient, full_password_gate: threading.Event
) -> None:
    response = await _post(client, LOGIN, socialInsuranceCode=CITIZENS[0], password=DEMO_PASSWORD)

    assert response.status_code == 503
    assert _codes(response.json()) == ["SERVICE_UNAVAILABLE"]
    assert response.json()["errors"][0]["extensions"]["reason"] == "OVERLOADED"
    full_password_gate.set()
    await asyncio.sleep(0.1)
    again = await _post(client, LOGIN, socialInsuranceCode=CITIZENS[0], password=DEMO_PASSWORD)
    assert again.json()["data"]["login"]["accessToken"]


async def test_a_login_shed_for_load_does_not_count_against_the_owner(
    client: httpx.AsyncClient, db: asyncpg.Connection, full_password_gate: threading.Event
) -> None:
    for _ in range(7):  # more than the 5 free failures of one code from one address
        response = await _post(client, LOGIN, socialInsuranceCode=CITIZENS[0], password="wrong-but-never-checked")
        assert response.status_code == 503
    counts = await db.fetch("select key, count, blocked_until from throttle_counters where key like 'login:%'")
    assert counts and all(r["count"] == 0 and r["blocked_until"] is None for r in counts)
    full_password_gate.set()
    await asyncio.sleep(0.1)
    again = await _post(client, LOGIN, socialInsuranceCode=CITIZENS[0], password=DEMO_PASSWORD)
    assert again.json()["data"]["login"]["accessToken"]


# --- the database goes away under load and comes back --------------------------------------------------------


@pytest.fixture
async def own_database(tmp_path: Path) -> AsyncIterator[tuple[EmbeddedPostgres, str]]:
    """A small seeded database on an embedded server of this test's own, which the test may stop and start."""
    server = EmbeddedPostgres(tmp_path / "postgres")
    await asyncio.to_thread(server.start)
    try:
        await ensure_database(server.uri("postgres"), "faults")
        dsn = server.uri("faults")
        conn = await asyncpg.connect(dsn)
        try:
            await apply_migrations(conn)
            await load_reference_data(conn)
            async with conn.transaction():
                await seed_database(conn, persons=30, seed=7, facilities=100, progress=False)
        finally:
            await conn.close()
        yield server, dsn
    finally:
        await asyncio.to_thread(server.stop)


@dataclass
class Observed:
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)

    def record(self, response: httpx.Response) -> dict[str, Any]:
        self.statuses[response.status_code] += 1
        body: dict[str, Any] = response.json()
        codes = _codes(body)
        self.codes.update(codes)
        fine = (response.status_code == 200 and not codes) or (
            response.status_code == 503 and set(codes) == {"SERVICE_UNAVAILABLE"}
        )
        if not fine:
            self.unexpected.append(f"{response.status_code} {response.text[:300]}")
        return body


def _password(step: int) -> str:
    return f"Doi-MatKhau-{step:03d}-x!"


@dataclass
class Writer:
    """Changes one account's password again and again: step k means the password is _password(k) (0: the demo's)."""

    code: str
    token: str
    step: int = 0
    acknowledged: list[int] = field(default_factory=list)

    def current(self) -> str:
        return DEMO_PASSWORD if self.step == 0 else _password(self.step)

    async def run(self, http: httpx.AsyncClient, seen: Observed, stop: asyncio.Event) -> None:
        while not stop.is_set():
            response = await _post(
                http, CHANGE_PASSWORD, self.token, currentPassword=self.current(), newPassword=_password(self.step + 1)
            )
            body = seen.record(response)
            if response.status_code == 503:
                await asyncio.sleep(0.05)  # outcome unknown: retry the same change
                continue
            assert body.get("data") is not None, body
            errors = [e["code"] for e in body["data"]["changePassword"]["errors"]]
            if body["data"]["changePassword"]["ok"]:
                self.step += 1
                self.acknowledged.append(self.step)
            elif errors == ["INVALID_CREDENTIALS"]:
                self.step += 1  # the interrupted attempt had committed: the new password is the current one
            else:
                raise AssertionError(body)


async def _readers(http: httpx.AsyncClient, tokens: list[str], seen: Observed, stop: asyncio.Event) -> None:
    while not stop.is_set():
        for token in tokens:
            seen.record(await _post(http, HOME, token))
        await asyncio.sleep(0.01)


async def _until_ready(http: httpx.AsyncClient, want: int) -> None:
    async with asyncio.timeout(60):
        while (await http.get("/readyz")).status_code != want:  # noqa: ASYNC110 - polling the service
            await asyncio.sleep(0.1)


@pytest.mark.slow
async def test_the_service_fails_fast_while_the_database_is_away_and_recovers_without_losing_a_change(
    own_database: tuple[EmbeddedPostgres, str],
) -> None:
    server, dsn = own_database
    seen = Observed()
    stop = asyncio.Event()
    async with app_client(_settings(dsn, VSSID_DB_ACQUIRE_TIMEOUT_MS="500"), dsn) as served:
        http = served.http
        tokens = []
        for code in CITIZENS:
            login = await _post(http, LOGIN, socialInsuranceCode=code, password=DEMO_PASSWORD)
            tokens.append(login.json()["data"]["login"]["accessToken"])
        writers = [Writer(code, token) for code, token in zip(CITIZENS, tokens, strict=True)]
        load = [asyncio.create_task(w.run(http, seen, stop)) for w in writers]
        load.append(asyncio.create_task(_readers(http, tokens, seen, stop)))
        await asyncio.sleep(1.5)

        # when the database stops under load
        await asyncio.to_thread(server.stop)
        await _until_ready(http, 503)
        away = await _post(http, HOME, tokens[0])
        ready_away = await http.get("/readyz")
        await asyncio.sleep(1.0)
        failed_while_away = seen.statuses[503]
        # and comes back
        await asyncio.to_thread(server.start)
        await _until_ready(http, 200)
        succeeded_before = seen.statuses[200]
        await asyncio.sleep(1.5)
        stop.set()
        await asyncio.gather(*load)
        back = await _post(http, HOME, tokens[0])

    # then while it was away: quick, coded SERVICE_UNAVAILABLE answers and an unready service
    assert away.status_code == 503
    assert away.json()["errors"][0]["extensions"] == {
        "code": "SERVICE_UNAVAILABLE", "reason": "DATABASE_UNAVAILABLE", "retryAfterSeconds": 1,
    }
    assert ready_away.json()["reason"] == "database unreachable"
    assert failed_while_away > 0
    # no other kind of failure at any time (no masked internal errors, no 500s)
    assert seen.unexpected == []
    # and it recovered by itself, with the same pool
    assert seen.statuses[200] > succeeded_before
    assert back.status_code == 200
    assert back.json()["data"]["me"]["socialInsuranceCode"] == CITIZENS[0]
    # every acknowledged change is there, and each change is whole: one audit event per stored password change
    conn = await asyncpg.connect(dsn)
    try:
        for writer in writers:
            assert writer.acknowledged, "the writer got no change through"
            assert writer.step >= writer.acknowledged[-1]
            stored = await conn.fetchval(PASSWORD_HASH, writer.code)
            assert verify_password(stored, writer.current())
            assert await conn.fetchval(PASSWORD_CHANGED_EVENTS, writer.code) == writer.step
    finally:
        await conn.close()
