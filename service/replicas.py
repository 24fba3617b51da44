"""Where a GraphQL request reads: the connection choice of the replica routing (db/replicas.py, docs/replicas.md).

1. When the body is parsed (`classify`): a `query` operation may read on a replica; anything else (a mutation, a
   document that does not parse, an unknown operation) reads on the primary.
2. Before the viewer is resolved (`read_viewer`): the request's connection is routed to a replica that has replayed
   this client's last write (or the primary). A bearer token the replica does not know is looked up again on the
   primary (a session made a moment ago may not be there yet), and so is everything after a replica that fails.
3. Around execution (`execute_routed`): a query whose replica failed while it ran (SERVICE_UNAVAILABLE) runs again on
   the primary in the same request, so the client sees no error; after a mutation the primary's WAL position is
   kept for the client's next reads, in this process and (db/write_feed.py) in every other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import OperationType
from starlette.requests import Request
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from auth.request import bearer_token, client_address, viewer_from_request
from auth.viewer import Viewer, ViewerKind
from core.errors import ErrorCode, ServiceUnavailable, UnavailableReason
from core.metrics import READ_ROUTES
from db.pool import RequestConnection
from db.replicas import ReplicaState
from loaders.base import Loaders
from loaders.context import Context
from service.documents import DocumentCache
from service.observability import forget_unavailable
from service.state import replicas_of


async def parse_early(view: Any, request: Request) -> None:
    """Parse the request (a service.graphql.GraphQLApp's) before its viewer is resolved, for the view to use, and
    note whether it is a query: that decides where the request reads, its viewer's session included."""
    method = request.method
    if method == "POST":
        data = await view.parse_post(request)
    elif method == "GET" and not view.should_render_graphql_ide(adapter := view.request_adapter_class(request)):
        data = await view.parse_http_body(adapter)
    else:
        return
    classify(request, view.guarded_schema.documents, data)
    request.state.request_data = data


def classify(request: Request, documents: DocumentCache, data: GraphQLRequestData) -> None:
    """Note whether the request is a query (it may read on a replica), from its parsed document."""
    shape = documents.prepare(data.query).shape if data.query else None
    operation = shape.operation(data.operation_name) if shape is not None else None
    request.state.reads_only = operation is not None and operation.kind is OperationType.QUERY


def writer_key(request: Request) -> str:
    """Whose writes a request's reads must see: its credential (a token or key, hashed: the map holds no secret),
    else its client address."""
    credential = bearer_token(request) or request.headers.get("x-api-key")
    if credential:
        return "credential:" + hashlib.blake2b(credential.encode(), digest_size=16).hexdigest()
    return f"address:{client_address(request)}"


async def read_viewer(request: Request, connection: RequestConnection) -> Viewer:
    """Route the request's reads, then resolve its viewer on them (on the primary when the replica cannot)."""
    replicas = replicas_of(request)
    if replicas is None:
        return await viewer_from_request(request, connection)
    if not getattr(request.state, "reads_only", False):
        READ_ROUTES.labels("primary").inc()
        return await viewer_from_request(request, connection)
    replica = await replicas.for_reads(writer_key(request))
    if replica is None:
        READ_ROUTES.labels("primary").inc()
        return await viewer_from_request(request, connection)
    connection.route(replica)
    try:
        viewer = await viewer_from_request(request, connection)
    except ServiceUnavailable as exc:
        if exc.reason is UnavailableReason.DATABASE_UNAVAILABLE:
            replicas.take_out(replica, ReplicaState.DOWN, exc.message)
        viewer = None
    if viewer is not None and (viewer.kind is not ViewerKind.ANONYMOUS or bearer_token(request) is None):
        READ_ROUTES.labels("replica").inc()
        return viewer
    # The replica failed, or does not know the token (yet): the primary decides.
    await connection.reroute()
    READ_ROUTES.labels("primary_retry").inc()
    return await viewer_from_request(request, connection)


def _unavailable(result: ExecutionResult) -> bool:
    return any((error.extensions or {}).get("code") == ErrorCode.SERVICE_UNAVAILABLE.value
               for error in result.errors or ())


async def execute_routed(
    request: Request, context: Context, execute: Callable[[], Awaitable[ExecutionResult]]
) -> ExecutionResult:
    replicas = replicas_of(request)
    result = await execute()
    if replicas is None:
        return result
    connection = context.connection
    replica = connection.replica
    if replica is not None and _unavailable(result):
        # The replica failed under the query: run it again on the primary (reads only, so nothing is done twice
        # but what a read records: its access-log entry, its rate-limit count).
        reasons = {(error.extensions or {}).get("reason") for error in result.errors or ()}
        if UnavailableReason.DATABASE_UNAVAILABLE.value in reasons:
            replicas.take_out(replica, ReplicaState.DOWN, "a query lost its connection")
        await connection.reroute()
        context.loaders = Loaders(connection, context.viewer)
        forget_unavailable()
        READ_ROUTES.labels("primary_retry").inc()
        return await execute()
    if not getattr(request.state, "reads_only", False) and result.data is not None:
        await replicas.note_write(writer_key(request))
    return result
