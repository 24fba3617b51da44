"""The language of each request: chosen once from `Accept-Language`, spoken by everything that serves it.

Outermost but for the proxy headers, so the refusals written by the middleware inside (the 500 and 503 of
service/observability.py) speak it too. A WebSocket speaks the language of its opening handshake. Every HTTP answer
says which it speaks (`Content-Language`) and that it depends on the header (`Vary: Accept-Language`, added to
any Vary already there).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.texts import negotiate, reset, use


class RequestLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        # The header names as ASGI servers give them (lower case), read as Starlette's `Headers` reads them.
        accept = next((value for name, value in scope["headers"] if name == b"accept-language"), None)
        language = negotiate(None if accept is None else accept.decode("latin-1"))
        content_language = language.value.encode("latin-1")

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_language(message.get("headers", ()), content_language)
            await send(message)

        token = use(language)
        try:
            await self.app(scope, receive, send_with_language if scope["type"] == "http" else send)
        finally:
            reset(token)


def with_language(headers: Iterable[tuple[bytes, bytes]], language: bytes) -> list[tuple[bytes, bytes]]:
    """The answer's headers with its `Content-Language` (in place of any) and `Accept-Language` added to its
    `Vary`, as Starlette's `MutableHeaders` would set them (a header's first place kept, later copies dropped)."""
    out: list[tuple[bytes, bytes]] = []
    vary: list[bytes] = []
    vary_at = language_at = -1
    for name, value in headers:
        if name == b"vary":
            vary.append(value)
            if vary_at < 0:
                vary_at = len(out)
                out.append((name, value))
        elif name == b"content-language":
            if language_at < 0:
                language_at = len(out)
                out.append((name, language))
        else:
            out.append((name, value))
    if language_at < 0:
        out.append((b"content-language", language))
    joined = b", ".join([*vary, b"Accept-Language"])
    if vary_at < 0:
        out.append((b"vary", joined))
    else:
        out[vary_at] = (b"vary", joined)
    return out
