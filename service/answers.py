"""What the GraphQL endpoints answer over HTTP (service/graphql.py): a refusal, the sub-response resolvers write a
status and headers on, the JSON answer made with its headers at once, and what a result says of itself (never
executed; graphql-core's own errors without a code)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from starlette.responses import Response
from strawberry.types import ExecutionResult

from core.errors import ErrorCode, RequestError
from service.documents import with_code
from service.negotiation import JSON, REQUEST_ERROR_CODES
from service.observability import note_refusal


def refusal_response(error: RequestError) -> Response:
    """The answer to a request refused before it ran; its code also goes into the request's log line."""
    note_refusal(error.code.value)
    headers = {"Cache-Control": "no-store", **error.headers}
    return Response(error.body(), status_code=error.status, media_type="application/json", headers=headers)


class SubResponse(Response):
    """What resolvers may set on `info.context.response` (a status, headers): Strawberry's sub-response is a whole
    `Response` whose empty body is rendered and whose content-length header is added, then deleted, per request."""

    def __init__(self) -> None:  # nothing of Response.__init__ is wanted
        self.status_code = None  # type: ignore[assignment] # unset: the answer's own status stands
        self.background = None
        self.body = b""
        self.raw_headers = []


class Answer(Response):
    """A JSON answer whose headers are written at once (Strawberry's `create_response` makes a `Response`, then
    extends its headers with the sub-response's and sets their status and background one by one)."""

    media_type = JSON

    def __init__(self, body: bytes, sub_response: Response) -> None:
        self.status_code = sub_response.status_code or 200
        self.background = sub_response.background
        self.body = body
        self.raw_headers = [
            (b"content-length", str(len(body)).encode("latin-1")), (b"content-type", b"application/json"),
            *sub_response.raw_headers,
        ]


def never_executed(result: ExecutionResult) -> bool:
    """Whether the result is of a request refused before execution (parse, validation, variables, limits)."""
    codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
    return result.data is None and bool(codes) and codes <= REQUEST_ERROR_CODES


def needs_touching(error: GraphQLError) -> bool:
    return "Did you mean" in error.message or not (error.extensions or {}).get("code")


def touched(error: GraphQLError) -> GraphQLError:
    # graphql-core's own request errors (bad variable values) come without a code and outside any field.
    uncoded = not (error.extensions or {}).get("code") and error.path is None
    return with_code(error, ErrorCode.BAD_USER_INPUT if uncoded else None)


def in_document_order(errors: list[GraphQLError]) -> list[GraphQLError]:
    """A result's errors in the order of the document's fields (their first location), then of their paths (a
    list's items in turn), whatever order their resolvers happened to finish in: the same request gets the same
    answer, byte for byte. Errors outside any field (a request's) come first, as they were."""
    return sorted(errors, key=_position) if len(errors) > 1 else errors


def _position(error: GraphQLError) -> tuple[Any, ...]:
    location = error.locations[0] if error.locations else None
    at = (location.line, location.column) if location is not None else (0, 0)
    # A path mixes response names and list indices: indices in number order, before any name at the same depth.
    path = tuple((0, step, "") if type(step) is int else (1, 0, str(step)) for step in error.path or ())
    return at, path
