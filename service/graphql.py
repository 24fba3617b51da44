"""The GraphQL endpoints: Strawberry's ASGI view with our HTTP rules, typed context, deadline and JSON encoder.

HTTP rules (CSRF and abuse, docs/security.md): a POST body must be `application/json` and at most `max_body_bytes`,
read in chunks and refused as soon as it grows past that; one operation per request (no JSON-array batches, no
multipart); GET runs queries only, and never a credential-checking field (service/documents.py). Refusals are
GraphQL-shaped JSON with a stable `extensions.code` and `Cache-Control: no-store`.

Two endpoints share the schema: the citizen one (`/graphql`: GraphiQL and introspection only in development) and
the partner one (`/graphql/partner`: queries only; introspection for partner keys, or anyone in development).
"""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import orjson
from cross_web import HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from auth.hints import ViewerHints
from auth.viewer import Viewer, ViewerKind, anonymous
from core.errors import ErrorCode, RequestError
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db.pool import RequestConnection
from loaders.context import Context
from loaders.shared import SharedRows
from service import negotiation, replicas, speculation, subscriptions
from service.answers import (
    Answer,
    SubResponse,
    in_document_order,
    needs_touching,
    never_executed,
    refusal_response,
    touched,
)
from service.caching import apply_cache_headers
from service.documents import GuardedSchema
from service.execution import too_large
from service.graphiql import build_page, page_response
from service.lean import execute
from service.mistakes import InvalidRequestBudget
from service.negotiation import GRAPHQL_RESPONSE, JSON, check_post_headers, preferred, read_bounded
from service.persisted import PersistedQueries
from service.state import database_of

ALL_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
QUERIES_ONLY = frozenset({OperationType.QUERY})


class Endpoint(enum.Enum):
    CITIZEN = "citizen"
    PARTNER = "partner"


class BoundedRequestAdapter(StarletteRequestAdapter):
    """Starlette's adapter, with the request in reach so the view can read the body within its limit."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GraphQLApp(GraphQL[Context, None]):
    request_adapter_class = BoundedRequestAdapter
    websocket_adapter_class = subscriptions.TextFrames

    def __init__(self, schema: GuardedSchema, settings: Settings, endpoint: Endpoint = Endpoint.CITIZEN) -> None:
        ide: GraphQL_IDE | None = None if settings.is_production else "graphiql"
        # Subscriptions (graphql-transport-ws) on the citizen endpoint only. Any origin may open one: the socket
        # carries no ambient credential (no cookie); the token comes in connection_init, as a header would.
        protocols = (GRAPHQL_TRANSPORT_WS_PROTOCOL,) if endpoint is Endpoint.CITIZEN else ()
        super().__init__(
            schema, graphql_ide=ide, allow_queries_via_get=True, multipart_uploads_enabled=False,
            subscription_protocols=protocols, max_subscriptions_per_connection=subscriptions.MAX_SUBSCRIPTIONS,
            allowed_origins=("*",), connection_init_wait_timeout=subscriptions.CONNECTION_INIT_WAIT,
        )
        self.guarded_schema = schema
        self.settings = settings
        self.endpoint = endpoint
        self.persisted = PersistedQueries()
        self.mistakes = InvalidRequestBudget()
        # The reference rows this endpoint's requests share in this worker (loaders/shared.py).
        self.shared_rows = SharedRows(settings.reference_cache_seconds)
        self.viewer_hints = ViewerHints(settings.viewer_hints, settings.access_token_minutes * 60)
        self._page: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        # The request's reads share one pooled connection, taken on first use and given back before the answer
        # is sent, however the request ends (an error, a time-out, the client gone).
        connection = request.state.connection = RequestConnection(database_of(request))
        try:
            # The deadline covers the whole request: the body, the viewer, execution and the answer's encoding.
            async with asyncio.timeout(self.settings.request_timeout_seconds):
                response = await self.run(request)
        except TimeoutError:
            late = text(TextId.REQUEST_TIMEOUT, seconds=f"{self.settings.request_timeout_seconds:g}")
            response = refusal_response(RequestError(504, ErrorCode.TIMEOUT, late))
        except RequestError as refused:
            response = refusal_response(refused)
        except HTTPException as refused:
            response = refusal_response(negotiation.http_refusal(refused.status_code, refused.reason))
        finally:
            await connection.close()
        await response(scope, receive, send)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        return SubResponse()

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        return Answer(self.encode_json(response_data), sub_response)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # Only a GET may be a page; a persisted query by GET carries `extensions` and no `query`: an operation.
        if request.method != "GET":
            return False
        return "extensions" not in request.query_params and super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        if self._page is None:  # built once, with real codes of the loaded data for the tabs' variables
            partner = self.endpoint is Endpoint.PARTNER
            self._page = await build_page(request, partner, demo=self.settings.loads_demo)
        return page_response(self._page)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        if isinstance(request, WebSocket):
            introspection = self._allows_introspection(anonymous(None))
            return subscriptions.subscription_context(request, self.settings, introspection)
        assert isinstance(request, Request) and isinstance(response, Response)
        database, connection = database_of(request), request.state.connection
        await replicas.parse_early(self, request)  # a query may read on a replica, the viewer's session included
        # On the request's one connection, as its reads; a query's may be guessed, its session read with them.
        viewer, guess = await speculation.request_viewer(self.viewer_hints, request, connection)
        context = Context(
            request=request, response=response, database=database, settings=self.settings, viewer=viewer,
            connection=connection, allow_introspection=self._allows_introspection(viewer),
            shared_rows=self.shared_rows,
        )
        if guess is not None:
            speculation.start(guess, context)
        return context

    async def on_ws_connect(self, context: Context) -> None:
        """connection_init: the viewer of the token in its payload, as an HTTP request's Authorization header."""
        await subscriptions.authenticate(context)
        context.allow_introspection = self._allows_introspection(context.viewer)

    def _allows_introspection(self, viewer: Viewer) -> bool:
        if not self.settings.is_production:
            return True
        return self.endpoint is Endpoint.PARTNER and viewer.kind is ViewerKind.PARTNER

    async def parse_http_body(self, request: StarletteRequestAdapter) -> GraphQLRequestData:  # type: ignore[override]
        assert isinstance(request, BoundedRequestAdapter)  # request_adapter_class; run() has checked its headers
        parsed: GraphQLRequestData | None = getattr(request.request.state, "request_data", None)
        if parsed is not None:
            return parsed  # parsed before the viewer (service/replicas.py)
        if request.method == "GET":
            return self.request_data(self.parse_query_params(request.query_params))
        return await self.parse_post(request.request)

    async def parse_post(self, request: Request) -> GraphQLRequestData:
        """A POST's body (its headers checked by `run`), read within the limit and parsed."""
        return self.request_data(self.parse_json(await read_bounded(request, self.settings.max_body_bytes)))

    def request_data(self, data: object) -> GraphQLRequestData:
        """The operation a request's parsed body (or query string) asks for, its shape checked."""
        if isinstance(data, list):
            raise RequestError(400, ErrorCode.BATCHING_NOT_SUPPORTED, text(TextId.BATCHING_NOT_SUPPORTED))
        if not isinstance(data, dict):
            raise RequestError(400, ErrorCode.BAD_REQUEST, text(TextId.BODY_NOT_OBJECT))
        query, variables = data.get("query"), data.get("variables")
        operation_name, extensions = data.get("operationName"), data.get("extensions")
        if not isinstance(query, str | None) or not isinstance(operation_name, str | None):
            raise RequestError(400, ErrorCode.BAD_REQUEST, text(TextId.QUERY_NOT_STRING))
        if not isinstance(variables, dict | None) or not isinstance(extensions, dict | None):
            raise RequestError(400, ErrorCode.BAD_REQUEST, text(TextId.VARIABLES_NOT_OBJECT))
        query = self.persisted.resolve(query, extensions, self._acceptable)
        return GraphQLRequestData(
            query=query, variables=variables, operation_name=operation_name, extensions=extensions, protocol="http"
        )

    def _acceptable(self, query: str) -> bool:
        return not self.guarded_schema.documents.prepare(query).errors

    async def execute_single(  # noqa: PLR0917
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        return await self.execute_request(request, context, request_data, is_get=request_adapter.method == "GET")

    async def execute_request(
        self, request: Request, context: Context, request_data: GraphQLRequestData, *, is_get: bool
    ) -> ExecutionResult:
        allowed = QUERIES_ONLY if is_get or self.endpoint is Endpoint.PARTNER else ALL_OPERATIONS
        try:
            result = await replicas.execute_routed(
                request, context, lambda: execute(self.guarded_schema, context, request_data, allowed)
            )
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise subscriptions.not_over_http() from None
            if is_get:
                raise RequestError(
                    405, ErrorCode.METHOD_NOT_ALLOWED, text(TextId.MUTATIONS_BY_POST), {"Allow": "POST"}
                ) from None
            raise RequestError(
                405, ErrorCode.METHOD_NOT_ALLOWED, text(TextId.ENDPOINT_READ_ONLY)
            ) from None
        except CannotGetOperationTypeError as error:
            unknown = text(TextId.OPERATION_UNKNOWN, reason=error.as_http_error_reason())
            raise RequestError(400, ErrorCode.BAD_REQUEST, unknown) from None
        except MissingQueryError:
            raise RequestError(400, ErrorCode.BAD_REQUEST, text(TextId.NO_QUERY)) from None
        if result.errors:
            errors = [touched(error) if needs_touching(error) else error for error in result.errors]
            result = ExecutionResult(data=result.data, errors=in_document_order(errors), extensions=result.extensions)
        refused = too_large(result.errors)
        if refused is None and never_executed(result):
            refused = await self.mistakes.spend(context)  # None while the caller's budget lasts
        return result if refused is None else ExecutionResult(data=None, errors=[refused])

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        answer = process_result(result)
        if result.errors and getattr(request.state, "media_type", JSON) == GRAPHQL_RESPONSE and never_executed(result):
            # graphql-response+json: a request that never executed has no `data` and a 4xx status (set in run).
            request.state.never_executed = True
            answer.pop("data", None)
        return answer

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, Request):
            accept = request.headers.get("accept", "")
            media_type = preferred(accept)
            if media_type is None and "text/html" not in accept:  # a browser asking for GraphiQL is not refused
                raise RequestError(
                    406, ErrorCode.NOT_ACCEPTABLE, text(TextId.NOT_ACCEPTABLE)
                )
            request.state.media_type = media_type or JSON
        if isinstance(request, Request) and request.method == "POST":
            # Before the viewer is looked up: a refused request costs no database round trip.
            check_post_headers(request, self.settings.max_body_bytes)
        if isinstance(request, Request) and request.method == "POST" and context is UNSET:
            response = await self._post(request)
        else:
            response = await super().run(request, context, root_value)
        if isinstance(request, Request) and isinstance(response, Response):
            if request.state.media_type == GRAPHQL_RESPONSE and response.media_type == JSON:
                response.headers["content-type"] = GRAPHQL_RESPONSE
                if getattr(request.state, "never_executed", False) and response.status_code == 200:
                    response.status_code = 400
            # Public directory answers get an ETag (and 304); every other answer is no-store.
            return apply_cache_headers(request, response)
        return response

    async def _post(self, request: Request) -> Response:
        """Strawberry's `run` for a POST, without what only its other transports need (pages, sockets, streams)
        and without its request adapter: the body is parsed by `get_context` (before the viewer) and kept."""
        sub_response = SubResponse()
        context = await self.get_context(request, response=sub_response)
        data: GraphQLRequestData = request.state.request_data
        result = await self.execute_request(request, context, data, is_get=False)
        return self.create_response(await self.process_result(request, result), sub_response)
