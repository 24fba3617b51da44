"""Subscriptions over graphql-transport-ws on the citizen endpoint: their context and their authentication.

A socket starts anonymous; its connection_init payload's `Authorization: Bearer ...` makes it the token's person,
exactly as the header does for an HTTP request (an unknown or expired token leaves it anonymous, and fields then
answer UNAUTHENTICATED). Only subscriptions run over the socket: queries and mutations go by HTTP, where the request
pipeline's budgets apply (service/documents.py refuses them here). A subscription ends when its session does
(resolvers/inbox.py checks every `subscription_recheck_seconds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected

from auth.request import bearer_from_params, client_address, viewer_from_token
from auth.viewer import anonymous
from core.errors import ErrorCode, RequestError
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db.pool import RequestConnection
from loaders.base import Loaders
from loaders.context import Context
from service.state import database_of

MAX_SUBSCRIPTIONS = 5
# A socket that does not send connection_init within this long is closed (4408).
CONNECTION_INIT_WAIT = dt.timedelta(seconds=10)


def subscription_context(websocket: WebSocket, settings: Settings, allow_introspection: bool) -> Context:
    database = database_of(websocket)
    # The socket stands in for the request and the response: an HTTPConnection like a Request, with the headers,
    # client and app; only subscriptions run over it (service/documents.py), and none of them touches a response.
    socket = cast(Request, websocket)
    return Context(
        request=socket, response=cast(Response, websocket), database=database, settings=settings,
        viewer=anonymous(client_address(websocket)), connection=RequestConnection(database),
        allow_introspection=allow_introspection, inbox_feed=websocket.app.state.inbox_feed,
    )


async def authenticate(context: Context) -> None:
    token = bearer_from_params(context.connection_params)
    if token is None:
        return
    context.viewer = await viewer_from_token(context.database, token, context.viewer.client_address)
    context.loaders = Loaders(context.connection, context.viewer)


class TextFrames(ASGIWebSocketAdapter):
    """Messages go in text frames, as graphql-transport-ws requires (browsers' clients parse text, not blobs); the
    view's JSON encoder gives bytes, which Strawberry would send as binary frames."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def not_over_http() -> RequestError:
    return RequestError(
        405, ErrorCode.METHOD_NOT_ALLOWED,
        text(TextId.SUBSCRIPTION_OVER_HTTP),
    )
