"""Push notifications through the outbox: FCM HTTP v1 and APNs request shapes, received by a real local HTTP server;
a token the provider no longer knows drops the device; a failed send is retried."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from core.settings import Settings, SettingsError, load_settings
from jobs.inbox import ARREARS, produce_all
from jobs.notifications import dispatch_once
from jobs.push import push_channel
from tests.factories import VN, add_period, make_account
from tests.push_recorder import PushRecorder, recording

ANDROID_TOKEN = "fcm-token-" + "a" * 30
IOS_TOKEN = "b" * 64
NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=VN)


def push_settings(db_dsn: str, base_url: str) -> Settings:
    return load_settings({
        "DATABASE_URL": db_dsn, "VSSID_PUSH_SENDER": "http",
        "VSSID_FCM_BASE_URL": base_url, "VSSID_FCM_PROJECT_ID": "vssid-demo", "VSSID_FCM_ACCESS_TOKEN": "ya29.test",
        "VSSID_APNS_BASE_URL": base_url, "VSSID_APNS_TOPIC": "vn.gov.baohiemxahoi.vssid",
        "VSSID_APNS_AUTH_TOKEN": "eyJ.test",
    })  # fmt: skip


async def person_with_devices(db: asyncpg.Connection, *tokens: tuple[str, str]) -> int:
    person = await make_account(db, None)
    for platform, token in tokens:
        await db.execute("insert into devices (person_id, platform, token) values ($1, $2, $3)", person.id, platform,
                         token)
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-10", "2026-12", status="UNPAID")
    return person.id


async def test_a_new_message_is_pushed_to_fcm_and_apns_in_their_shapes(
    pool: asyncpg.Pool, db: asyncpg.Connection, db_dsn: str
) -> None:
    await person_with_devices(db, ("ANDROID", ANDROID_TOKEN), ("IOS", IOS_TOKEN))
    recorder = PushRecorder()
    async with recording(recorder) as base_url:
        settings = push_settings(db_dsn, base_url)
        await produce_all(db, settings, NOW)
        await dispatch_once(pool, {"PUSH": push_channel(pool, settings)})

    fcm = next(r for r in recorder.received if r.path.startswith("/v1/"))
    apns = next(r for r in recorder.received if r.path.startswith("/3/"))
    assert fcm.path == "/v1/projects/vssid-demo/messages:send"
    assert fcm.headers["authorization"] == "Bearer ya29.test"
    assert fcm.json["message"]["token"] == ANDROID_TOKEN
    assert fcm.json["message"]["notification"]["title"] == ARREARS.title
    assert fcm.json["message"]["data"]["inboxMessageId"].isdigit()
    assert apns.path == f"/3/device/{IOS_TOKEN}"
    assert apns.headers["apns-topic"] == "vn.gov.baohiemxahoi.vssid" and apns.headers["apns-push-type"] == "alert"
    assert apns.headers["authorization"] == "bearer eyJ.test"
    assert apns.json["aps"]["alert"]["title"] == ARREARS.title
    pending = "select count(*) from notification_outbox where channel = 'PUSH' and delivered_at is null"
    assert await db.fetchval(pending) == 0


async def test_a_token_the_provider_forgot_drops_the_device(
    pool: asyncpg.Pool, db: asyncpg.Connection, db_dsn: str
) -> None:
    person_id = await person_with_devices(db, ("ANDROID", ANDROID_TOKEN), ("IOS", IOS_TOKEN))
    recorder = PushRecorder(gone={ANDROID_TOKEN, IOS_TOKEN})
    async with recording(recorder) as base_url:
        settings = push_settings(db_dsn, base_url)
        await produce_all(db, settings, NOW)
        await dispatch_once(pool, {"PUSH": push_channel(pool, settings)})

    assert len(recorder.received) == 2
    assert await db.fetchval("select count(*) from devices where person_id = $1", person_id) == 0
    # handled, not retried
    assert await db.fetchval("select count(*) from notification_outbox where delivered_at is null") == 0


async def test_a_failed_push_is_retried(pool: asyncpg.Pool, db: asyncpg.Connection, db_dsn: str) -> None:
    person_id = await person_with_devices(db, ("ANDROID", ANDROID_TOKEN))
    recorder = PushRecorder(failing={ANDROID_TOKEN: 1})
    async with recording(recorder) as base_url:
        settings = push_settings(db_dsn, base_url)
        await produce_all(db, settings, NOW)
        channel = {"PUSH": push_channel(pool, settings)}
        await dispatch_once(pool, channel)
        failed = await db.fetchrow("select attempts, last_error, delivered_at from notification_outbox")
        await db.execute("update notification_outbox set available_at = now()")  # the retry delay has passed
        await dispatch_once(pool, channel)

    assert failed["attempts"] == 1 and "503" in failed["last_error"] and failed["delivered_at"] is None
    assert len(recorder.received) == 2
    assert await db.fetchval("select delivered_at is not null from notification_outbox") is True
    assert await db.fetchval("select count(*) from devices where person_id = $1", person_id) == 1


def test_push_over_http_needs_its_credentials() -> None:
    with pytest.raises(SettingsError, match="VSSID_FCM_PROJECT_ID"):
        load_settings({"VSSID_PUSH_SENDER": "http"})
