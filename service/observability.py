"""Per-request observation: a request id, one JSON log line, metrics, and 503 for SERVICE_UNAVAILABLE.

`RequestObservation` is plain ASGI middleware around the whole app; `ObserveOperation` is a Strawberry schema
extension (one hook per operation, none per field) that tells it the operation name, the viewer kind and the
error codes. They meet through a context variable holding the request's `RequestInfo`.

The log line has no personal data: no client address, no query text, no variables, no headers, no tokens.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from core import metrics
from core.errors import ErrorCode, ServiceUnavailable, error_body
from core.text_ids import TextId
from core.texts import text

log = logging.getLogger("vssid.request")
REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.encode()
# A caller's (or a proxy's) id is kept when it looks like one; anything else is replaced.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
ROUTES = frozenset({"/graphql", "/graphql/partner", "/healthz", "/readyz", "/metrics"})
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
MAX_LOGGED_ERRORS = 10
POOL_OBSERVED_EVERY = 0.5
_pool_observed = -POOL_OBSERVED_EVERY


@dataclass(slots=True)
class RequestInfo:
    request_id: str
    operation: str | None = None
    viewer: str | None = None
    error_codes: list[str] = field(default_factory=list)
    retry_after_seconds: int | None = None


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("vssid_request", default=None)


def current_request_id() -> str | None:
    """The id of the request being served (also in its X-Request-Id header and its log line)."""
    info = _current.get()
    return info.request_id if info else None


def forget_unavailable() -> None:
    """The operation runs again on the primary after its replica failed (service/replicas.py): the first run's
    SERVICE_UNAVAILABLE is not the answer."""
    info = _current.get()
    if info is not None:
        info.retry_after_seconds = None
        info.error_codes = [code for code in info.error_codes if code != ErrorCode.SERVICE_UNAVAILABLE.value]


def note_refusal(code: str) -> None:
    """A whole request refused before it ran (415, 413, 405, ...): its code goes into the request's log line."""
    info = _current.get()
    if info is not None:
        info.error_codes.append(code)


def error_code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    original = error.original_error
    unexpected = original is not None and not isinstance(original, GraphQLError)
    fallback: str = (ErrorCode.INTERNAL_ERROR if unexpected else ErrorCode.BAD_REQUEST).value
    return fallback


class ObserveOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        info = _current.get()
        raised = False
        try:
            yield
        except GraphQLError as exc:
            # Raised by another extension's hook (e.g. a rate limit meeting a full pool): Strawberry answers it.
            raised = True
            if info is not None:
                _observe_error(info, exc)
            raise
        finally:
            if info is not None:
                self._observe(info, with_result=not raised)

    def _observe(self, info: RequestInfo, *, with_result: bool) -> None:
        execution = self.execution_context
        result = execution.result if with_result else None
        observe_operation(execution.operation_name, execution.context, (result.errors or []) if result else [], info)


def observe_operation(
    operation_name: str | None, context: object, errors: Sequence[GraphQLError] = (), info: RequestInfo | None = None
) -> None:
    """What the request's log line and metrics say of its operation: name, viewer kind, error codes."""
    info = info or _current.get()
    if info is None:
        return
    info.operation = operation_name
    viewer = getattr(context, "viewer", None)
    info.viewer = viewer.kind.value if viewer is not None else None
    for error in errors:
        _observe_error(info, error)


def _observe_error(info: RequestInfo, error: GraphQLError) -> None:
    code = error_code(error)
    info.error_codes.append(code)
    retry = (error.extensions or {}).get("retryAfterSeconds")
    if code == ErrorCode.SERVICE_UNAVAILABLE.value and isinstance(retry, int):
        info.retry_after_seconds = max(retry, info.retry_after_seconds or 0)
        metrics.UNAVAILABLE.labels(str((error.extensions or {}).get("reason", "UNKNOWN"))).inc()


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == _REQUEST_ID_NAME:
            text = value.decode("latin-1")
            return text if REQUEST_ID.fullmatch(text) else None
    return None


class RequestObservation:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(request_id=_incoming_request_id(scope) or os.urandom(16).hex())  # 128 random bits
        token = _current.set(info)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_observed(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                headers = list(message.get("headers", []))
                headers.append((_REQUEST_ID_NAME, info.request_id.encode()))
                status = message["status"]
                if info.retry_after_seconds is not None and status == 200:
                    # The operation met SERVICE_UNAVAILABLE: tell HTTP clients and proxies to retry later.
                    status = 503
                    headers.append((b"retry-after", str(info.retry_after_seconds).encode()))
                message = {**message, "status": status, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        except ServiceUnavailable as exc:
            # Before execution (e.g. resolving the viewer's session): the same error, as a whole-request answer.
            info.error_codes.append(ErrorCode.SERVICE_UNAVAILABLE.value)
            info.retry_after_seconds = exc.retry_after_seconds
            metrics.UNAVAILABLE.labels(exc.reason.value).inc()
            if response_started:
                raise
            await self._answer(send_observed, 503, error_body(exc.message, dict(exc.extensions or {})), exc)
        except Exception:
            info.error_codes.append(ErrorCode.INTERNAL_ERROR.value)
            log.exception("unhandled error", extra={"fields": {"request_id": info.request_id}})
            if response_started:
                raise
            extensions = {"code": ErrorCode.INTERNAL_ERROR.value, "requestId": info.request_id}
            body = error_body(text(TextId.UNEXPECTED_ERROR).render(), extensions)
            await self._answer(send_observed, 500, body, None)
        finally:
            _current.reset(token)
            self._record(scope, info, status, time.perf_counter() - started)

    @staticmethod
    async def _answer(send: Send, status: int, body: bytes, exc: ServiceUnavailable | None) -> None:
        headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
        if exc is not None:
            headers.append((b"retry-after", str(exc.retry_after_seconds).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _record(scope: Scope, info: RequestInfo, status: int, seconds: float) -> None:
        database = getattr(getattr(scope.get("app"), "state", None), "database", None)
        global _pool_observed  # noqa: PLW0603 - one worker's clock of its last look at its pool
        if database is not None and (now := time.monotonic()) - _pool_observed >= POOL_OBSERVED_EVERY:
            # Each worker's gauges (summed over workers at scrape) kept at most half a second old.
            _pool_observed = now
            metrics.observe_pool(database.pool)
        path = scope.get("path", "")
        route = path if path in ROUTES else "other"
        metrics.child(metrics.HTTP_REQUESTS, route, str(status)).inc()
        if route.startswith("/graphql") and scope.get("method") != "OPTIONS":
            operation = metrics.operation_label(info.operation)
            outcome = info.error_codes[0] if info.error_codes else "ok"
            metrics.child(metrics.GRAPHQL_REQUESTS, operation, outcome).inc()
            metrics.child(metrics.GRAPHQL_LATENCY, operation).observe(seconds)
        level = logging.DEBUG if route in QUIET_ROUTES and status < 500 else logging.INFO
        if not log.isEnabledFor(level):
            return
        fields = {
            "request_id": info.request_id,
            "method": scope.get("method"),
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "operation": info.operation if info.operation is None or metrics.OPERATION_NAME.fullmatch(info.operation)
            else "invalid",
            "viewer": info.viewer,
            "errors": info.error_codes[:MAX_LOGGED_ERRORS],
        }
        log.log(level, "request", extra={"fields": fields})
