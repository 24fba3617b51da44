"""Delivering the notification outbox: pluggable senders and a dispatcher task in every service process.

Delivery is at least once: a batch is claimed with a lease (`FOR UPDATE SKIP LOCKED`, so several processes share
the work), sent, then marked; a process that dies mid-batch leaves rows that another picks up when the lease ends.
A failed send is retried later with a growing delay, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
import asyncpg

from core.errors import ServiceUnavailable
from core.settings import Settings
from db import outbox
from db.pool import ConnectionSource

log = logging.getLogger("vssid.notifications")

BATCH_SIZE = 20
LEASE_SECONDS = 60.0
MAX_ATTEMPTS = 8
IDLE_POLL_SECONDS = 1.0
SMTP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    dedupe_key: str
    channel: str
    recipient: str
    subject: str | None
    body: str
    attempts: int


class Sender(Protocol):
    async def send(self, message: Message) -> None:
        """Deliver or raise; the dispatcher retries on any exception."""


class LogSender:
    """Writes the message to the log: the default for SMS (no gateway yet) and for e-mail. The demo reads OTPs here."""

    async def send(self, message: Message) -> None:
        log.info("%s to %s: %s", message.channel, message.recipient, message.body)


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self.settings = settings

    async def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.settings.smtp_from
        email["To"] = message.recipient
        email["Subject"] = message.subject or "VssID"
        # Lets a receiving system drop the duplicate that at-least-once delivery may produce.
        email["Message-ID"] = f"<{message.dedupe_key.replace(':', '.')}@vssid.invalid>"
        email.set_content(message.body)
        s = self.settings
        await aiosmtplib.send(
            email,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user,
            password=s.smtp_password,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            timeout=SMTP_TIMEOUT_SECONDS,
        )


def senders_for(settings: Settings) -> dict[str, Sender]:
    email: Sender = SmtpSender(settings) if settings.email_sender == "smtp" else LogSender()
    return {"SMS": LogSender(), "EMAIL": email}


def retry_delay(attempts: int) -> float:
    return float(min(3600, 15 * 2 ** (attempts - 1)))


async def dispatch_once(database: ConnectionSource, senders: dict[str, Sender]) -> int:
    """Claim and deliver one batch; return how many messages were claimed."""
    async with database.acquire() as conn:
        rows = await outbox.claim(conn, BATCH_SIZE, LEASE_SECONDS, MAX_ATTEMPTS)
    for row in rows:
        message = Message(**dict(row))
        try:
            await senders[message.channel].send(message)
        except Exception as exc:
            log.warning("delivery of %s failed (attempt %d): %s", message.dedupe_key, message.attempts, exc)
            async with database.acquire() as conn:
                await outbox.mark_failed(
                    conn, message.id, f"{type(exc).__name__}: {exc}", retry_delay(message.attempts)
                )
            continue
        async with database.acquire() as conn:
            await outbox.mark_delivered(conn, message.id)
    return len(rows)


class Dispatcher:
    """The background task: started in the app lifespan, stopped when the app shuts down.

    Stopping lets the batch in hand finish (sent and marked, so nothing claimed is left to wait for its lease),
    within a bound; after that the task is cancelled and the lease hands the rest to another process later.
    """

    def __init__(self, database: ConnectionSource, senders: dict[str, Sender]) -> None:
        self.database = database
        self.senders = senders
        self._task: asyncio.Task[None] | None = None
        self._stopping: asyncio.Event | None = None

    def start(self) -> None:
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="notification-dispatcher")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        if self._task is None:
            return
        assert self._stopping is not None
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        except TimeoutError:
            log.warning("notification dispatcher: the current batch did not finish in %.0f s; cancelled", grace_seconds)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set():
            try:
                claimed = await dispatch_once(self.database, self.senders)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ServiceUnavailable) as exc:
                log.warning("notification dispatcher: %s", exc)
                claimed = 0
            if claimed < BATCH_SIZE:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), IDLE_POLL_SECONDS)


def start_dispatcher(
    database: ConnectionSource, settings: Settings, more_senders: dict[str, Sender] | None = None
) -> Dispatcher:
    """The dispatcher of this process; `more_senders` adds channels (PUSH, from jobs/push.py)."""
    dispatcher = Dispatcher(database, senders_for(settings) | (more_senders or {}))
    if settings.notification_dispatcher:
        dispatcher.start()
    return dispatcher
