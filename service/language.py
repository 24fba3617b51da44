"""The language of each request: chosen once from `Accept-Language`, spoken by everything that serves it.

Outermost but for the proxy headers, so the refusals written by the middleware inside (the 500 and 503 of
service/observability.py) speak it too. A WebSocket speaks the language of its opening handshake. Every HTTP answer
says which it speaks (`Content-Language`) and that it depends on the header (`Vary: Accept-Language`, added to
any Vary already there).
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.texts import negotiate, reset, use


class RequestLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        language = negotiate(Headers(scope=scope).get("accept-language"))

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Language"] = language.value
                headers.add_vary_header("Accept-Language")
            await send(message)

        token = use(language)
        try:
            await self.app(scope, receive, send_with_language if scope["type"] == "http" else send)
        finally:
            reset(token)
