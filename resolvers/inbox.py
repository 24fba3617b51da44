"""The inbox's root fields: mark messages read, turn kinds of message off or on, register devices for push, and
the subscription to new messages. `Person.inbox` (schema/person.py) lists them."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncGenerator

import asyncpg
import strawberry
from starlette.websockets import WebSocket

from auth.permissions import IsSignedIn
from auth.refusal import Refusal
from core.errors import ApiError, ErrorCode
from core.policy import PRIVATE
from core.text_ids import TextId
from core.texts import text
from db import inbox
from loaders.context import Info
from resolvers.mutation import run_mutation, user_error
from schema.ids import from_global_id
from schema.inbox import (
    Device,
    DevicePlatform,
    InboxMessage,
    InboxMessageKind,
    MarkInboxReadPayload,
    RegisterDevicePayload,
    SetInboxPreferencePayload,
    UnregisterDevicePayload,
    preferences,
)

MAX_IDS = 100
# FCM registration tokens (letters, digits, '-', '_', ':'); APNs device tokens are hex, 64 digits today.
TOKEN_SHAPES = {"ANDROID": re.compile(r"[A-Za-z0-9_:\-.]{20,4096}"), "IOS": re.compile(r"[0-9A-Fa-f]{64,200}")}
# graphql-transport-ws's close code for Unauthorized.
SESSION_ENDED = 4401
ANY_TOKEN = re.compile(r"[A-Za-z0-9_:\-.]{8,4096}")


def _person(info: Info) -> int:
    person_id = info.context.viewer.person_id
    assert person_id is not None  # IsSignedIn guards the field
    return person_id


def _message_pks(ids: list[strawberry.ID]) -> list[int]:
    if not 1 <= len(ids) <= MAX_IDS:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.INBOX_IDS_COUNT, maximum=MAX_IDS), "ids")
    pks = []
    for global_id in ids:
        try:
            type_name, pk = from_global_id(global_id)
        except ApiError:
            type_name, pk = "", 0
        if type_name != "InboxMessage":
            raise Refusal(ErrorCode.INVALID_ID, text(TextId.INBOX_ID_INVALID), "ids")
        pks.append(pk)
    return pks


async def _mark_read(conn: asyncpg.Connection, person_id: int, ids: list[strawberry.ID]) -> list[asyncpg.Record]:
    pks = _message_pks(ids)
    # All or nothing: an ID that is not one of the person's own messages marks none (and says nothing of whose).
    if await inbox.own_ids(conn, person_id, pks) != set(pks):
        raise Refusal(ErrorCode.NOT_FOUND, text(TextId.INBOX_NOT_YOURS), "ids")
    return await inbox.mark_read(conn, person_id, pks)


@strawberry.type
class InboxMutation:
    @strawberry.mutation(
        permission_classes=[IsSignedIn], description="Mark messages of your inbox as read (all of them or none).",
        metadata=PRIVATE.metadata(),
    )
    async def mark_inbox_read(self, info: Info, ids: list[strawberry.ID]) -> MarkInboxReadPayload:
        person_id = _person(info)
        rows = await run_mutation(info, lambda conn: _mark_read(conn, person_id, ids))
        if isinstance(rows, Refusal):
            return MarkInboxReadPayload(errors=[user_error(rows)])
        async with info.context.connection.acquire() as conn:
            unread = await inbox.unread_count(conn, person_id)
        return MarkInboxReadPayload(messages=[InboxMessage.from_row(row) for row in rows], unread_count=unread)

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="Turn one kind of message off (`enabled: false`) or on again; applies to messages made from now.",
        metadata=PRIVATE.metadata(),
    )
    async def set_inbox_preference(
        self, info: Info, kind: InboxMessageKind, enabled: bool
    ) -> SetInboxPreferencePayload:
        person_id = _person(info)

        async def work(conn: asyncpg.Connection) -> set[str]:
            await inbox.set_opt_out(conn, person_id, kind.value, opted_out=not enabled)
            return await inbox.opt_outs(conn, person_id)

        opted_out = await run_mutation(info, work)
        assert not isinstance(opted_out, Refusal)  # nothing here refuses
        return SetInboxPreferencePayload(preferences=preferences(person_id, opted_out))

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="Receive push notifications of new inbox messages on this device (FCM or APNs token).",
        metadata=PRIVATE.metadata(),
    )
    async def register_device(self, info: Info, platform: DevicePlatform, token: str) -> RegisterDevicePayload:
        person_id = _person(info)

        async def work(conn: asyncpg.Connection) -> asyncpg.Record:
            if not TOKEN_SHAPES[platform.value].fullmatch(token):
                wrong = text(TextId.PUSH_TOKEN_OF_PLATFORM, platform=platform.value)
                raise Refusal(ErrorCode.INVALID_INPUT, wrong, "token")
            return await inbox.register_device(conn, person_id, platform.value, token)

        row = await run_mutation(info, work)
        if isinstance(row, Refusal):
            return RegisterDevicePayload(errors=[user_error(row)])
        return RegisterDevicePayload(device=Device.from_row(row))

    @strawberry.mutation(
        permission_classes=[IsSignedIn], description="Stop push notifications to this device (e.g. at logout).",
        metadata=PRIVATE.metadata(),
    )
    async def unregister_device(self, info: Info, token: str) -> UnregisterDevicePayload:
        person_id = _person(info)

        async def work(conn: asyncpg.Connection) -> bool:
            if not ANY_TOKEN.fullmatch(token):
                raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.PUSH_TOKEN_INVALID), "token")
            return await inbox.unregister_device(conn, person_id, token)

        removed = await run_mutation(info, work)
        if isinstance(removed, Refusal):
            return UnregisterDevicePayload(errors=[user_error(removed)])
        return UnregisterDevicePayload(removed=removed)


async def _session_ended(socket: object) -> None:
    """The session is over (logout, revocation, expiry): the socket closes with 4401, graphql-transport-ws's
    Unauthorized, which tells clients not to reconnect with the same token."""
    if isinstance(socket, WebSocket):  # always, for a subscription (service/subscriptions.py)
        await socket.close(code=SESSION_ENDED, reason="The session has ended; log in again.")


@strawberry.type
class InboxSubscription:
    @strawberry.subscription(
        permission_classes=[IsSignedIn],
        description="Each new message of your inbox as it arrives (graphql-transport-ws on /graphql; send "
        "`Authorization: Bearer <token>` in connection_init). The socket closes (4401) when the session ends.",
        metadata=PRIVATE.metadata(),
    )
    async def inbox_message_added(self, info: Info) -> AsyncGenerator[InboxMessage, None]:
        ctx, person_id = info.context, _person(info)
        session_id = ctx.viewer.session_id
        assert ctx.inbox_feed is not None and session_id is not None
        await ctx.inbox_feed.ensure_listening()
        recheck = float(ctx.settings.subscription_recheck_seconds)
        with ctx.inbox_feed.subscribe(person_id) as queue:
            next_check = time.monotonic() + recheck
            while True:
                try:
                    message_id: int | None = await asyncio.wait_for(
                        queue.get(), max(0.0, next_check - time.monotonic())
                    )
                except TimeoutError:
                    message_id = None
                if time.monotonic() >= next_check:
                    async with ctx.database.acquire() as conn:
                        holds = await inbox.session_holds(conn, person_id, session_id)
                    if not holds:
                        await _session_ended(ctx.request)
                        return
                    next_check = time.monotonic() + recheck
                if message_id is None:
                    continue
                async with ctx.database.acquire() as conn:
                    row = await inbox.message_for_person(conn, person_id, message_id)
                if row is not None:
                    yield InboxMessage.from_row(row)
