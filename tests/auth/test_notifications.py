"""The outbox dispatcher: delivery, retries, sharing the work, de-duplication, and e-mail over real SMTP.

(jobs/notifications.py belongs to the accounts work, so its tests live here with the rest of it.)
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller

from core.settings import Settings, load_settings
from db import outbox
from jobs.notifications import LogSender, Message, SmtpSender, dispatch_once


class Recorder:
    def __init__(self, fail_first: int = 0) -> None:
        self.sent: list[str] = []
        self.fail_first = fail_first

    async def send(self, message: Message) -> None:
        await asyncio.sleep(0.01)
        if self.fail_first > 0:
            self.fail_first -= 1
            raise ConnectionError("gateway down")
        self.sent.append(message.dedupe_key)


async def enqueue(db: asyncpg.Connection, key: str, channel: str = "SMS", recipient: str = "0912345678") -> None:
    await outbox.enqueue(db, dedupe_key=key, person_id=None, channel=channel, recipient=recipient, body=f"body {key}")


async def test_messages_are_delivered_once_and_marked(pool: asyncpg.Pool, db: asyncpg.Connection) -> None:
    await enqueue(db, "a")
    await enqueue(db, "a")  # the same change enqueued twice
    await enqueue(db, "b")
    recorder = Recorder()

    first = await dispatch_once(pool, {"SMS": recorder, "EMAIL": LogSender()})
    second = await dispatch_once(pool, {"SMS": recorder, "EMAIL": LogSender()})

    assert (first, second) == (2, 0)
    assert sorted(recorder.sent) == ["a", "b"]
    assert await db.fetchval("select count(*) from notification_outbox where delivered_at is null") == 0


async def test_a_failed_send_is_retried_later(pool: asyncpg.Pool, db: asyncpg.Connection) -> None:
    await enqueue(db, "retry")
    recorder = Recorder(fail_first=1)

    await dispatch_once(pool, {"SMS": recorder})
    failed = await db.fetchrow("select attempts, last_error, available_at > now() as later from notification_outbox")
    await db.execute("update notification_outbox set available_at = now()")
    await dispatch_once(pool, {"SMS": recorder})

    assert failed["attempts"] == 1 and "gateway down" in failed["last_error"] and failed["later"]
    assert recorder.sent == ["retry"]
    assert await db.fetchval("select delivered_at is not null from notification_outbox") is True


async def test_parallel_dispatchers_share_the_work_without_sending_twice(
    pool: asyncpg.Pool, db: asyncpg.Connection
) -> None:
    for i in range(30):
        await enqueue(db, f"m{i}")
    recorder = Recorder()

    await asyncio.gather(*(dispatch_once(pool, {"SMS": recorder}) for _ in range(3)))
    await dispatch_once(pool, {"SMS": recorder})

    assert sorted(recorder.sent) == sorted(f"m{i}" for i in range(30))


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[Any]]]:
    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


async def test_email_goes_over_smtp_when_configured(
    pool: asyncpg.Pool, db: asyncpg.Connection, smtp_server: tuple[int, list[Any]]
) -> None:
    port, received = smtp_server
    settings: Settings = load_settings(
        {
            "VSSID_EMAIL_SENDER": "smtp",
            "VSSID_SMTP_HOST": "127.0.0.1",
            "VSSID_SMTP_PORT": str(port),
            "VSSID_SMTP_SECURITY": "none",
        }
    )
    await outbox.enqueue(
        db,
        dedupe_key="mail",
        person_id=None,
        channel="EMAIL",
        recipient="anh@example.com",
        subject="Xin chào",
        body="Tài khoản đã được kích hoạt.",
    )

    await dispatch_once(pool, {"EMAIL": SmtpSender(settings)})

    assert [envelope.rcpt_tos for envelope in received] == [["anh@example.com"]]
    mail = message_from_bytes(received[0].content)
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes) and "kích hoạt" in body.decode()
    assert mail["Subject"] is not None
    assert await db.fetchval("select delivered_at is not null from notification_outbox") is True


async def test_the_running_service_delivers_the_outbox(client: Any, db: asyncpg.Connection) -> None:
    # Given the app is up (the client fixture runs its lifespan, which starts the dispatcher)
    await enqueue(db, "live")

    for _ in range(50):
        if await db.fetchval("select delivered_at is not null from notification_outbox where dedupe_key = 'live'"):
            break
        await asyncio.sleep(0.1)

    assert await db.fetchval("select delivered_at is not null from notification_outbox where dedupe_key = 'live'")
