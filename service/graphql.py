"""The GraphQL endpoint: Strawberry's ASGI app with our typed context."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import MaskErrors
from strawberry.types.unset import UNSET

from auth.request import viewer_from_request
from service.caching import apply_cache_headers
from service.context import Context
from service.graphiql import graphiql_html
from service.settings import Settings

MASKED_MESSAGE = "Unexpected error."


def _should_mask(error: GraphQLError) -> bool:
    # Our own errors (ApiError) and GraphQL's validation errors carry no internals; anything else might.
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def mask_errors() -> MaskErrors:
    return MaskErrors(should_mask_error=_should_mask, error_message=MASKED_MESSAGE)


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True, multipart_uploads_enabled=False)
        self.settings = settings

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_html())

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        assert isinstance(request, Request) and isinstance(response, Response)
        pool = request.app.state.pool
        viewer = await viewer_from_request(request, pool)
        return Context(request=request, response=response, pool=pool, settings=self.settings, viewer=viewer)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        # Public directory answers get an ETag (and 304); every other answer is no-store.
        response = await super().run(request, context, root_value)
        if isinstance(request, Request) and isinstance(response, Response):
            return apply_cache_headers(request, response)
        return response
