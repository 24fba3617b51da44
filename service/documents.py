"""Parse, measure and validate each distinct document once; keep the outcome in a bounded LRU cache.

`GuardedSchema.documents.prepare(query)` does the work: parse with a token limit, measure against the abuse limits
(service/limits.py), validate without "Did you mean ..." suggestions. What depends on the request (HTTP method,
endpoint, viewer) is checked per request by `GuardDocument` on the cached outcome; no validation rule is built
per request, so nothing defeats the cache.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationType, parse, specified_rules, validate
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionContext

from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import text
from core.texts_en import EN
from service import limits
from service.observability import current_request_id
from service.policy import SchemaPolicy, read_policy

log = logging.getLogger("vssid.errors")

DOCUMENT_CACHE_SIZE = 500
# Validation stops after this many errors (graphql-core then adds one saying it gave up).
MAX_VALIDATION_ERRORS = 10
RULES = (*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule)
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# Stands in for a document that did not parse, so that Strawberry reports our cached errors instead of parsing again.
_PLACEHOLDER = parse("{ __typename }")


def without_suggestions(message: str) -> str:
    """The message with any "Did you mean ...?" removed (a last guard; graphql-core is asked not to add them)."""
    return _SUGGESTION.sub("", message)


def rewritten(error: GraphQLError, message: str, extensions: dict[str, Any] | None = None) -> GraphQLError:
    """The same error (locations, path, cause) with another message, and other extensions when given."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions if extensions is None else extensions,
    )


def with_code(error: GraphQLError, code: ErrorCode | None = None) -> GraphQLError:
    """A copy without suggestions in its message, and with `code` as its extensions.code when one is given."""
    extensions = {**(error.extensions or {}), **({"code": code.value} if code else {})}
    return rewritten(error, without_suggestions(error.message), extensions)


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    document: DocumentNode | None
    shape: limits.DocumentShape | None
    errors: tuple[GraphQLError, ...]


class DocumentCache:
    """Prepared documents by their exact text, least recently used dropped first."""

    def __init__(self, schema: GraphQLSchema, policy: SchemaPolicy, maxsize: int = DOCUMENT_CACHE_SIZE) -> None:
        self._schema = schema
        self._policy = policy
        self._cached = functools.lru_cache(maxsize=maxsize)(self._prepare)
        self._costs = functools.lru_cache(maxsize=maxsize)(self._cost)

    def prepare(self, query: str) -> PreparedDocument:
        # Checked before the cache: its entries stay small, and a huge text is not even hashed twice.
        if len(query) > limits.MAX_QUERY_LENGTH:
            return PreparedDocument(None, None, (limits.limit_error("length", limits.MAX_QUERY_LENGTH, len(query)),))
        return self._cached(query)

    def cost(
        self, query: str, prepared: PreparedDocument, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> int | None:
        """The cost of the operation priced with the page sizes this request's variables give (None: as cached).

        A page size given as a variable is priced by its default when the document is prepared; a request that
        sends another value is priced again with it, so a small default cannot hide a large page."""
        if prepared.shape is None or not prepared.shape.page_variables or not variables:
            return None
        values = tuple(sorted(
            (name, value) for name, value in variables.items()
            if name in prepared.shape.page_variables and type(value) is int
        ))  # fmt: skip
        return self._costs(query, operation_name, values) if values else None

    def _cost(self, query: str, operation_name: str | None, values: tuple[tuple[str, int], ...]) -> int | None:
        document = self.prepare(query).document
        assert document is not None
        operation = limits.measure(document, self._policy, dict(values)).operation(operation_name)
        return operation.cost if operation is not None else None

    def cache_info(self) -> functools._CacheInfo:
        return self._cached.cache_info()

    def _prepare(self, query: str) -> PreparedDocument:
        try:
            document = parse(query, max_lexical_tokens=limits.MAX_TOKENS, max_comments=limits.MAX_TOKENS)
        except GraphQLError as error:
            # graphql-core stops at the token limit, and at a nesting its own recursion cannot follow.
            if "Parsing aborted" in error.message and "tokens" in error.message:
                return PreparedDocument(None, None, (limits.limit_error("tokens", limits.MAX_TOKENS),))
            if "Parsing aborted" in error.message and "nested" in error.message:
                return PreparedDocument(None, None, (limits.limit_error("depth", limits.MAX_DEPTH),))
            return PreparedDocument(None, None, (with_code(error, ErrorCode.GRAPHQL_PARSE_FAILED),))
        shape = limits.measure(document, self._policy)
        if refused := limits.check(shape):
            return PreparedDocument(document, shape, tuple(refused))
        errors = validate(self._schema, document, RULES, max_errors=MAX_VALIDATION_ERRORS, hide_suggestions=True)
        # One error per distinct message: a directive repeated ten times is one mistake, not ten answers to read.
        distinct = {without_suggestions(e.message): e for e in reversed(errors)}
        firsts = [e for e in errors if distinct.get(without_suggestions(e.message)) is e]
        coded = tuple(with_code(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in firsts)
        return PreparedDocument(document, shape, coded)


class GuardedSchema(strawberry.Schema):
    """Strawberry's schema with the document cache, no suggestions at execution, and unexpected errors logged once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = read_policy(self._schema)
        self.documents = DocumentCache(self._schema, self.policy)

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        # Handed to graphql-core's execute: variable coercion errors ("Did you mean the enum value ...?") too.
        return {**super()._get_custom_context_kwargs(operation_extensions, sync=sync), "hide_suggestions": True}

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected errors (coded, validation) are the client's business; only the unexpected go to the log, in full.
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "unexpected error at %s", error.path, exc_info=error.original_error,
                    extra={"fields": {"request_id": current_request_id(), "path": error.path}},
                )


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


_QUOTED = re.compile(r"'([^']*)'")


def redacted(error: GraphQLError, query: str) -> GraphQLError:
    """The error with each quoted name that does not appear in `query` replaced by '…' (a type the caller did not
    name, a field's parent, an argument's type): validation messages then disclose nothing of the schema."""
    written = set(re.findall(r"[_A-Za-z][_0-9A-Za-z]*", query))

    def keep_or_hide(match: re.Match[str]) -> str:
        names = re.findall(r"[_A-Za-z][_0-9A-Za-z]*", match.group(1))
        return match.group(0) if all(name in written for name in names) else "'…'"

    message = _QUOTED.sub(keep_or_hide, error.message)
    return error if message == error.message else rewritten(error, message)


def _refusal(message: TextId, code: ErrorCode) -> GraphQLError:
    return GraphQLError(text(message).render(), extensions={"code": code.value})


class GuardDocument(SchemaExtension):
    """Hands Strawberry the cached document and errors, plus the checks that depend on the request."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        schema = execution.schema
        if isinstance(schema, GuardedSchema) and execution.query:
            prepared = schema.documents.prepare(execution.query)
            # Our own refusals among the cached errors are written again in this request's language.
            cached = [e.again() if isinstance(e, limits.LimitError) else e for e in prepared.errors]
            errors = cached or self._request_errors(schema, execution.query, prepared)
            if prepared.errors and not getattr(execution.context, "allow_introspection", True):
                # Where the schema is not published, an error names nothing the caller did not write.
                errors = [redacted(error, execution.query) for error in errors]
            execution.graphql_document = _PLACEHOLDER if prepared.document is None else prepared.document
            # An empty list (not None) tells Strawberry validation is done.
            execution.pre_execution_errors = errors
        yield

    def _request_errors(self, schema: GuardedSchema, query: str, prepared: PreparedDocument) -> list[GraphQLError]:
        execution = self.execution_context
        return request_errors(schema, query, prepared, execution.operation_name, execution.variables,
                              execution.context)


def request_errors(  # noqa: PLR0917
    schema: GuardedSchema,
    query: str,
    prepared: PreparedDocument,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    context: Any,
) -> list[GraphQLError]:
    """The refusals of a valid document that depend on the request: transport, introspection, cost with this
    request's page sizes, credentials by GET (which also sets the answer's 405 and Allow)."""
    assert prepared.shape is not None
    operation = prepared.shape.operation(operation_name)
    if operation is None:
        return []  # Strawberry refuses a missing or ambiguous operation name itself.
    request = getattr(context, "request", None)
    over_socket = request is not None and request.scope.get("type") == "websocket"
    if over_socket and operation.kind is not OperationType.SUBSCRIPTION:
        # Queries and mutations go by HTTP, where the budgets and the deadline of a request apply.
        return [_refusal(TextId.SUBSCRIPTIONS_ONLY_OVER_WEBSOCKET, ErrorCode.METHOD_NOT_ALLOWED)]
    if operation.introspection and not getattr(context, "allow_introspection", True):
        return [_refusal(TextId.INTROSPECTION_DISABLED, ErrorCode.INTROSPECTION_DISABLED)]
    cost = schema.documents.cost(query, prepared, operation_name, variables)
    if cost is not None and cost > limits.MAX_COST:
        return [limits.limit_error("cost", limits.MAX_COST, cost)]
    if operation.credential_fields and request is not None and request.method == "GET":
        # GET requests end up in browser history, proxy logs and CDN caches: no secrets or personal facts there.
        context.response.status_code = 405
        context.response.headers["Allow"] = "POST"
        return [_refusal(TextId.CREDENTIALS_BY_POST, ErrorCode.METHOD_NOT_ALLOWED)]
    return []


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected errors become "Unexpected error." with the request id; the log has the rest under that id."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id() or "unknown"
        return GraphQLError(
            text(TextId.UNEXPECTED_ERROR_WITH_ID, request_id=request_id).render(),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL_ERROR.value, "requestId": request_id},
        )


def mask_errors() -> MaskErrors:
    # The base class's default message, never shown: anonymise_error writes the message of the request's language.
    return MaskUnexpectedErrors(should_mask_error=is_unexpected, error_message=EN[TextId.UNEXPECTED_ERROR])
