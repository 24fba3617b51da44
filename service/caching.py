"""HTTP caching of public directory answers: Cache-Control, an ETag of the body, 304 on If-None-Match.

An answer is public only when the request carries no credentials, the operation is a query, every root field
is a public directory field and nothing failed. Everything else is `Cache-Control: no-store`.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from auth.viewer import ViewerKind

PUBLIC_ROOT_FIELDS = frozenset({"facilities", "facility", "provinces", "employers", "support", "faqs", "news"})
PUBLIC_CACHE_CONTROL = "public, max-age=300"
NO_STORE = "no-store"
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "cookie")


def root_field_names(execution_context: ExecutionContext) -> frozenset[str]:
    """The names (not aliases) of the executed operation's root fields, through fragments; `__typename` left out."""
    document = execution_context.graphql_document
    if document is None:
        return frozenset()
    operation = _operation(document, execution_context.operation_name)
    if operation is None:
        return frozenset()
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    names: set[str] = set()
    _collect(operation.selection_set, fragments, names, set())
    names.discard("__typename")
    return frozenset(names)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def _collect(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], names: set[str], seen: set[str]
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, names, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _collect(fragment.selection_set, fragments, names, seen)


def carries_credentials(request: Request) -> bool:
    return any(request.headers.get(name) for name in CREDENTIAL_HEADERS)


class CachePolicy(SchemaExtension):
    """Marks an answer cacheable (on the sub-response) when it is a public, anonymous, error-free directory query."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        result = self.execution_context.result
        if (
            self.execution_context.operation_type is OperationType.QUERY
            and result is not None
            and not result.errors
            and context.viewer.kind is ViewerKind.ANONYMOUS
            and not carries_credentials(context.request)
            and (fields := root_field_names(self.execution_context))
            and fields <= PUBLIC_ROOT_FIELDS
        ):
            context.response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL


def apply_cache_headers(request: Request, response: Response) -> Response:
    """Called on every GraphQL HTTP response: ETag and 304 for public answers, no-store for all others."""
    if response.headers.get("Cache-Control") != PUBLIC_CACHE_CONTROL or response.status_code != 200:
        response.headers["Cache-Control"] = NO_STORE
        return response
    etag = '"' + hashlib.sha256(bytes(response.body)).hexdigest()[:32] + '"'
    # Credentials change the answer (and forbid caching it): shared caches must key on them.
    vary = "Authorization, X-API-Key"
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": PUBLIC_CACHE_CONTROL, "Vary": vary})
    response.headers["ETag"] = etag
    response.headers["Vary"] = vary
    return response
