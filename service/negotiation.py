"""GraphQL over HTTP: the POST body's type and size, and `application/graphql-response+json` for clients that ask.

With that media type a request that never executed (it did not parse, validate or coerce its variables) is answered
with a 4xx status and no `data` entry, as the GraphQL-over-HTTP specification asks. Clients that send no Accept
header, or accept only `application/json`, keep the legacy answer: 200 with `data: null`. A client that accepts
neither is told 406.
"""

from __future__ import annotations

import functools

from starlette.requests import ClientDisconnect, Request
from strawberry.http.parse_content_type import parse_content_type

from core.errors import ErrorCode, RequestError
from core.text_ids import TextId
from core.texts import text

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# The codes of errors that stop a request before it executes.
REQUEST_ERROR_CODES = frozenset(code.value for code in (
    ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.BAD_USER_INPUT,
    ErrorCode.QUERY_LIMIT_EXCEEDED, ErrorCode.INTROSPECTION_DISABLED,
))  # fmt: skip
# Strawberry's own HTTP refusals: the code and message of each status (its English reason kept as a parameter).
HTTP_REFUSALS = {
    404: (ErrorCode.NOT_FOUND, TextId.HTTP_NOT_FOUND),
    405: (ErrorCode.METHOD_NOT_ALLOWED, TextId.HTTP_METHOD_NOT_ALLOWED),
}


def http_refusal(status: int, reason: str) -> RequestError:
    """The refusal of a request Strawberry's HTTP layer turned down with `status` and its English `reason`."""
    code, message = HTTP_REFUSALS.get(status, (ErrorCode.BAD_REQUEST, TextId.HTTP_BAD_REQUEST))
    return RequestError(status, code, text(message, reason=reason))


def _quality(accept: str, media_type: str) -> float:
    """The best q the Accept header gives `media_type` (through its type/* and */* ranges too)."""
    kind = media_type.split("/", 1)[0]
    best = 0.0
    for part in accept.split(","):
        name, *parameters = (piece.strip() for piece in part.split(";"))
        if name.lower() not in (media_type, f"{kind}/*", "*/*"):
            continue
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


# Header values repeat from request to request (an app sends the same ones every time): each is read once.
HEADER_VALUES_KEPT = 256


@functools.lru_cache(maxsize=HEADER_VALUES_KEPT)
def preferred(accept: str | None) -> str | None:
    """The media type to answer with; None when the client accepts neither GraphQL response type."""
    if not accept or not accept.strip():
        return JSON
    graphql_q, json_q = _quality(accept, GRAPHQL_RESPONSE), _quality(accept, JSON)
    if graphql_q <= 0 and json_q <= 0:
        return None
    # An exact application/graphql-response+json wins ties; */* alone keeps the legacy type.
    if graphql_q > json_q or (graphql_q == json_q and GRAPHQL_RESPONSE in accept.lower()):
        return GRAPHQL_RESPONSE
    return JSON


def _too_large(limit: int) -> RequestError:
    return RequestError(413, ErrorCode.REQUEST_TOO_LARGE, text(TextId.BODY_TOO_LARGE, limit=limit))


@functools.lru_cache(maxsize=HEADER_VALUES_KEPT)
def _media_type(content_type: str) -> str:
    return parse_content_type(content_type)[0]


def check_post_headers(request: Request, limit: int) -> None:
    """What a POST's headers alone tell: the content type, and a declared length over the limit."""
    if _media_type(request.headers.get("content-type", "")) != "application/json":
        raise RequestError(
            415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, text(TextId.MEDIA_TYPE)
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)


async def read_bounded(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it grows past `limit` bytes (never buffered beyond that).

    Read from the ASGI messages as Starlette's `Request.stream` reads them (a client gone: ClientDisconnect), without
    its async generator, which the event loop registers and forgets again for every request. The body is read once,
    here: the request's own `body()` is not called after it."""
    chunks: list[bytes] = []
    size = 0
    receive = request.receive
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        if message["type"] != "http.request":
            continue
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
