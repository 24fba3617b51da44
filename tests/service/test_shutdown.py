"""Graceful shutdown of a real `serve` process on SIGTERM: no new requests, those in flight finish, the outbox
dispatcher finishes the message in hand, the pool closes, the process exits 0."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller

from db import outbox
from tests.service.serving import free_port, serve

pytestmark = pytest.mark.slow

WAITING_QUERIES = """
select count(*) from pg_stat_activity where application_name = 'vssid-api' and wait_event_type = 'Lock'
"""
DELIVERED = "select delivered_at is not null, attempts from notification_outbox where dedupe_key = $1"
SMTP_DELAY_SECONDS = 2.0


async def _until(predicate: Any, seconds: float = 20.0) -> None:
    async with asyncio.timeout(seconds):
        while not await predicate():  # noqa: ASYNC110 - polling another process
            await asyncio.sleep(0.05)


async def test_sigterm_refuses_new_requests_and_finishes_those_in_flight(db_dsn: str, tmp_path: Path) -> None:
    with serve(db_dsn, tmp_path / "serve.log") as served:
        db = await asyncpg.connect(db_dsn)
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
            # given a request held in flight by a lock on the table it reads
            lock = db.transaction()
            await lock.start()
            await db.execute("lock table provinces in access exclusive mode")
            in_flight = asyncio.create_task(http.post("/graphql", json={"query": "query Held { provinces { code } }"}))
            await _until(lambda: _waiting(db))

            # when the service is told to stop
            served.process.send_signal(signal.SIGTERM)

            # then it takes no new request while the one in flight still waits: the connection is refused, or a
            # connection the kernel had already queued is closed or reset without an answer (uvicorn closes its
            # listener after the kernel may have completed the handshake)
            async def refused() -> bool:
                try:
                    async with httpx.AsyncClient(base_url=served.url, timeout=1) as fresh:
                        await fresh.get("/healthz")
                except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
                    return True
                return False

            await _until(refused)
            assert not in_flight.done()
            # and the one in flight finishes with its answer once the lock goes
            await lock.rollback()
            response = await in_flight
        await db.close()
        code = await asyncio.to_thread(served.process.wait, 30)

    assert response.status_code == 200
    assert len(response.json()["data"]["provinces"]) == 34
    assert code == 0
    held = [line for line in served.requests() if line["operation"] == "Held"]
    assert [line["status"] for line in held] == [200]
    messages = [line["message"] for line in served.log_lines()]
    assert messages.index("Shutting down") < messages.index("Application shutdown complete.")


async def _waiting(db: asyncpg.Connection) -> bool:
    return bool(await db.fetchval(WAITING_QUERIES))


@pytest.fixture
def slow_smtp() -> Iterator[tuple[int, threading.Event, list[Any]]]:
    """An SMTP server that takes SMTP_DELAY_SECONDS to accept a message; the event is set when one arrives."""
    arrived = threading.Event()
    accepted: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            arrived.set()
            await asyncio.sleep(SMTP_DELAY_SECONDS)
            accepted.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, arrived, accepted
    finally:
        controller.stop()


async def test_sigterm_lets_the_outbox_dispatcher_finish_the_message_in_hand(
    db_dsn: str, db: asyncpg.Connection, tmp_path: Path, slow_smtp: tuple[int, threading.Event, list[Any]]
) -> None:
    port, arrived, accepted = slow_smtp
    smtp = {
        "VSSID_EMAIL_SENDER": "smtp",
        "VSSID_SMTP_HOST": "127.0.0.1",
        "VSSID_SMTP_PORT": str(port),
        "VSSID_SMTP_SECURITY": "none",
    }
    with serve(db_dsn, tmp_path / "serve.log", **smtp) as served:
        # given an e-mail the dispatcher is in the middle of sending
        await outbox.enqueue(
            db, dedupe_key="shutdown:1", person_id=None, channel="EMAIL", recipient="a@example.org", body="hello"
        )
        assert await asyncio.to_thread(arrived.wait, 20)

        # when the service is told to stop
        served.process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(served.process.wait, 30)

    # then the message was sent and marked before the process left: no lease to wait out, no second copy later
    assert code == 0
    assert len(accepted) == 1
    assert tuple(await db.fetchrow(DELIVERED, "shutdown:1")) == (True, 1)
