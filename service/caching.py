"""HTTP caching of public directory answers: Cache-Control, an ETag of the body, 304 on If-None-Match.

An answer is public only when the request carries no credentials, the operation is a query, every root field
declares a cache age (core/policy.py) and nothing failed; it is cached for the smallest of those ages. Everything
else is `Cache-Control: no-store`.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from auth.viewer import ViewerKind
from service.documents import GuardedSchema

PUBLIC_CACHE_CONTROL = "public, max-age={}"
NO_STORE = "no-store"
NO_STORE_BYTES = NO_STORE.encode("latin-1")
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "cookie")


def root_field_names(execution_context: ExecutionContext) -> frozenset[str]:
    """The names (not aliases) of the executed operation's root fields, through fragments; `__typename` left out.

    Read from the document's cached shape (service/limits.py measures it once per distinct document).
    """
    schema, query = execution_context.schema, execution_context.query
    if not isinstance(schema, GuardedSchema) or not query:
        return frozenset()
    shape = schema.documents.prepare(query).shape
    operation = shape.operation(execution_context.operation_name) if shape is not None else None
    return operation.root_fields - {"__typename"} if operation is not None else frozenset()


def carries_credentials(request: Request) -> bool:
    return any(request.headers.get(name) for name in CREDENTIAL_HEADERS)


class CachePolicy(SchemaExtension):
    """Marks an answer cacheable (on the sub-response) when it is a public, anonymous, error-free directory query."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        result = self.execution_context.result
        schema = self.execution_context.schema
        if (
            self.execution_context.operation_type is OperationType.QUERY
            and result is not None
            and not result.errors
            and isinstance(schema, GuardedSchema)
        ):
            mark_public(schema, self.execution_context.context, root_field_names(self.execution_context))


def mark_public(schema: GuardedSchema, context: Any, root_fields: frozenset[str]) -> None:
    """For an error-free query: `Cache-Control: public` on the sub-response when an anonymous caller without
    credentials asked only for root fields that declare a cache age (the smallest of them)."""
    if (
        context.viewer.kind is ViewerKind.ANONYMOUS
        and not carries_credentials(context.request)
        and (max_age := schema.policy.cache_max_age(root_fields)) is not None
    ):
        context.response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL.format(max_age)


def apply_cache_headers(request: Request, response: Response) -> Response:
    """Called on every GraphQL HTTP response: ETag and 304 for public answers, no-store for all others."""
    # Read on the raw headers (a header's first value, as `Headers.get` reads it): most answers have none yet.
    raw = next((value for name, value in response.raw_headers if name == b"cache-control"), None)
    cache_control = "" if raw is None else raw.decode("latin-1")
    if not cache_control.startswith("public") or response.status_code != 200:
        if raw is None:
            response.raw_headers.append((b"cache-control", NO_STORE_BYTES))
        else:
            response.headers["Cache-Control"] = NO_STORE
        return response
    etag = '"' + hashlib.sha256(bytes(response.body)).hexdigest()[:32] + '"'
    # Credentials change the answer (and forbid caching it): shared caches must key on them.
    vary = "Authorization, X-API-Key"
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache_control, "Vary": vary})
    response.headers["ETag"] = etag
    response.headers["Vary"] = vary
    return response
