"""The inbox subscription over graphql-transport-ws, on a real socket (uvicorn on loopback, a websockets client):
it authenticates from connection_init, delivers only the viewer's new messages, and closes when the session ends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from core.settings import Settings, load_settings
from tests.factories import make_citizen
from tests.graphql import contract
from tests.served import served

SUBSCRIBE = contract("mobile/InboxMessageAdded")
LOGOUT = contract("mobile/Logout")


@pytest.fixture
def live_settings(db_dsn: str) -> Settings:
    return load_settings({
        "DATABASE_URL": db_dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4",
        "VSSID_SUBSCRIPTION_RECHECK_SECONDS": "1", "VSSID_NOTIFICATION_DISPATCHER": "off",
        "VSSID_HOUSEKEEPING_SECONDS": "0", "VSSID_INBOX_SECONDS": "0",
    })  # fmt: skip


@asynccontextmanager
async def subscribed(
    base_url: str, token: str | None, query: str = SUBSCRIBE, headers: dict[str, str] | None = None
) -> AsyncIterator[ClientConnection]:
    url = base_url.replace("http://", "ws://") + "/graphql"
    protocols = ["graphql-transport-ws"]
    async with connect(url, subprotocols=protocols, additional_headers=headers) as ws:  # type: ignore[arg-type]
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        yield ws


async def receive(ws: ClientConnection, seconds: float = 5.0) -> dict[str, Any]:
    frame = await asyncio.wait_for(ws.recv(), seconds)
    assert isinstance(frame, str), "graphql-transport-ws messages are text frames"
    message: dict[str, Any] = json.loads(frame)
    return message


async def add_message(db: asyncpg.Connection, person_id: int, subject: str) -> None:
    await db.execute(
        """insert into inbox_messages (person_id, kind, subject_key, period, title, body)
           values ($1, 'PARTNER_ACCESS', $2, '-', 'Cơ sở đối tác đã xem thông tin của bạn', $2)""",
        person_id, subject,
    )


async def test_the_viewer_receives_their_new_messages_only_until_logout(
    live_settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    owner, other = await make_citizen(db), await make_citizen(db, full_name="Lê Thị Khác")
    async with served(live_settings, db_dsn) as base_url, subscribed(base_url, owner.token) as ws:
        await asyncio.sleep(0.3)  # the subscription is listening
        await add_message(db, other.id, "someone-else")
        await add_message(db, owner.id, "mine")

        first = await receive(ws)
        assert first["type"] == "next" and first["id"] == "1"
        message = first["payload"]["data"]["inboxMessageAdded"]
        assert message["body"] == "mine" and message["kind"] == "PARTNER_ACCESS" and message["read"] is False
        assert message["title"] == "Cơ sở đối tác đã xem thông tin của bạn"

        async with httpx.AsyncClient(base_url=base_url) as http:
            bearer = {"Authorization": f"Bearer {owner.token}"}
            out = await http.post("/graphql", json={"query": LOGOUT}, headers=bearer)
        assert out.json()["data"]["logout"]["ok"] is True

        # the other person's message never came; the session's end does: the socket closes as Unauthorized
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_without_a_valid_token_the_subscription_is_refused_with_a_code(
    live_settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    async with served(live_settings, db_dsn) as base_url:
        for token in (None, "not-a-token"):
            async with subscribed(base_url, token) as ws:
                refused = await receive(ws)
            assert refused["type"] in {"next", "error"}, refused
            errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
            assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]


async def test_a_subscription_speaks_the_language_of_its_handshake(
    live_settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    messages = {}
    async with served(live_settings, db_dsn) as base_url:
        for language in ("vi", "en"):
            async with subscribed(base_url, None, headers={"Accept-Language": language}) as ws:
                refused = await receive(ws)
            errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
            assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
            messages[language] = errors[0]["message"]
    assert messages == {"vi": "Vui lòng đăng nhập để xem nội dung này.", "en": "sign in to see this"}


async def test_queries_and_mutations_are_not_run_over_the_socket(
    live_settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    owner = await make_citizen(db)
    query = "query { me { fullName } }"
    async with served(live_settings, db_dsn) as base_url, subscribed(base_url, owner.token, query) as ws:
        refused = await receive(ws)
    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["METHOD_NOT_ALLOWED"]


async def test_a_subscription_sent_by_http_is_refused_with_a_code(client: httpx.AsyncClient) -> None:
    by_post = await client.post("/graphql", json={"query": SUBSCRIBE})
    by_get = await client.get("/graphql", params={"query": SUBSCRIBE}, headers={"Accept": "application/json"})

    for response in (by_post, by_get):
        assert response.status_code == 405
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["METHOD_NOT_ALLOWED"]
