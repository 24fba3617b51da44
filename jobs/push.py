"""Push notifications: one `PushSender` interface, FCM HTTP v1 (ANDROID) and APNs (IOS), fed by the outbox.

The inbox producers queue one outbox message per device (channel PUSH, recipient "PLATFORM:token"); the outbox
dispatcher (jobs/notifications.py) hands it to `PushChannel`, with its lease and retries. A provider that says the
token is gone (FCM: 404 UNREGISTERED; APNs: 410 Unregistered or 400 BadDeviceToken) gets the device dropped and the
message counts as handled; any other failure raises, so the dispatcher retries later.

APNs speaks HTTP/2 only: the client has HTTP/2 on (httpx with `h2`), which it agrees with an https server through
TLS (ALPN), as Apple's and Google's are; with the local recording server of the demo and the tests (plain http) it
speaks HTTP/1.1, with the same path, headers and body.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import httpx

from core.settings import Settings
from db import inbox
from db.pool import ConnectionSource
from jobs.notifications import Message, Sender

log = logging.getLogger("vssid.push")
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Push:
    token: str
    title: str
    body: str
    # The inbox message it announces, so the app can open it.
    message_id: str


class DeviceGone(Exception):  # noqa: N818 - the provider's word for it: the token no longer names a device
    """The provider says the token is no longer valid: drop the device."""


class PushSender(Protocol):
    async def send(self, client: httpx.AsyncClient, push: Push) -> None:
        """Deliver, raise DeviceGone for a dead token, or raise anything else to be retried."""


class FcmSender:
    """FCM HTTP v1: `POST /v1/projects/{project}/messages:send` with an OAuth 2 bearer token."""

    def __init__(self, base_url: str, project_id: str, access_token: str) -> None:
        self.url = f"{base_url.rstrip('/')}/v1/projects/{project_id}/messages:send"
        self.access_token = access_token

    async def send(self, client: httpx.AsyncClient, push: Push) -> None:
        body = {"message": {
            "token": push.token,
            "notification": {"title": push.title, "body": push.body},
            "data": {"inboxMessageId": push.message_id},
        }}  # fmt: skip
        response = await client.post(self.url, json=body, headers={"Authorization": f"Bearer {self.access_token}"})
        if response.status_code == 404 or _fcm_status(response) == "UNREGISTERED":
            raise DeviceGone(response.text[:200])
        response.raise_for_status()


def _fcm_status(response: httpx.Response) -> str | None:
    try:
        error = response.json().get("error", {})
        details = [d.get("errorCode") for d in error.get("details", []) if isinstance(d, dict)]
    except (ValueError, AttributeError):
        return None
    return "UNREGISTERED" if "UNREGISTERED" in details else error.get("status")


class ApnsSender:
    """APNs provider API: `POST /3/device/{token}` with apns-topic, apns-push-type and a bearer provider token."""

    def __init__(self, base_url: str, topic: str, auth_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.topic = topic
        self.auth_token = auth_token

    async def send(self, client: httpx.AsyncClient, push: Push) -> None:
        headers = {
            "authorization": f"bearer {self.auth_token}",
            "apns-topic": self.topic,
            "apns-push-type": "alert",
            "apns-priority": "10",
            "apns-id": str(uuid.uuid4()),
        }
        body = {"aps": {"alert": {"title": push.title, "body": push.body}, "sound": "default"},
                "inboxMessageId": push.message_id}  # fmt: skip
        response = await client.post(f"{self.base_url}/3/device/{push.token}", json=body, headers=headers)
        if response.status_code == 410 or _apns_reason(response) in {"Unregistered", "BadDeviceToken"}:
            raise DeviceGone(response.text[:200])
        response.raise_for_status()


def _apns_reason(response: httpx.Response) -> str | None:
    if response.is_success:
        return None
    try:
        reason = response.json().get("reason")
    except (ValueError, AttributeError):
        return None
    return reason if isinstance(reason, str) else None


class PushChannel:
    """The outbox's sender for channel PUSH: picks the provider by platform, drops devices the provider forgot."""

    def __init__(self, database: ConnectionSource, senders: dict[str, PushSender]) -> None:
        self.database = database
        self.senders = senders

    async def send(self, message: Message) -> None:
        platform, _, token = message.recipient.partition(":")
        # The dedupe key is "push:<inbox message id>:<device id>".
        push = Push(token, message.subject or "VssID", message.body, message.dedupe_key.split(":")[1])
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, http2=True) as client:
                await self.senders[platform].send(client, push)
        except DeviceGone as gone:
            log.info("push: %s device token no longer valid, dropped (%s)", platform, gone)
            async with self.database.acquire() as conn:
                await inbox.drop_device(conn, platform, token)


class LogPush:
    """Push off: the log says a push would go (without the token)."""

    async def send(self, message: Message) -> None:
        log.info("push (off) to a %s device: %s", message.recipient.partition(":")[0], message.subject)


def push_channel(database: ConnectionSource, settings: Settings) -> Sender:
    if settings.push_sender != "http":
        return LogPush()
    s = settings
    assert s.fcm_project_id and s.fcm_access_token and s.apns_topic and s.apns_auth_token  # load_settings checks
    return PushChannel(database, {
        "ANDROID": FcmSender(s.fcm_base_url, s.fcm_project_id, s.fcm_access_token),
        "IOS": ApnsSender(s.apns_base_url, s.apns_topic, s.apns_auth_token),
    })  # fmt: skip
