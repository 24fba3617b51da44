"""The answer's size, bounded while it is built: a query whose answer would pass `VSSID_MAX_RESPONSE_BYTES` stops
building it and is answered RESPONSE_TOO_LARGE, with nothing of it sent.

The query cost (service/limits.py) bounds how many objects a document may ask for, but not how many bytes they
weigh; this bounds the bytes, and with them the memory and CPU one request can take, whatever the document. The
weight is counted where graphql-core completes each leaf value (its text, plus the key and punctuation around it),
so the check costs one addition per leaf. Mutations are not cut short: their answers are small, and an answer
dropped after the write happened would hide it.
"""

from __future__ import annotations

import weakref
from typing import Any

from graphql import GraphQLError, GraphQLLeafType, OperationType
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import text
from service.documents import is_unexpected

# Per leaf besides its value: the key (most are camelCase words of 4 to 20 characters), quotes, colon and comma.
LEAF_OVERHEAD = 16
NUMBER_WEIGHT = 8
UNBOUNDED = 1 << 62


class AnswerTooLargeError(GraphQLError):
    def __init__(self, maximum: int) -> None:
        super().__init__(
            text(TextId.ANSWER_TOO_LARGE, maximum=maximum).render(),
            extensions={"code": ErrorCode.RESPONSE_TOO_LARGE.value, "maximum": maximum},
        )


def too_large(errors: list[GraphQLError] | None) -> GraphQLError | None:
    """The RESPONSE_TOO_LARGE error among a result's errors, if building the answer was stopped."""
    for error in errors or ():
        if isinstance(error.original_error, AnswerTooLargeError) or isinstance(error, AnswerTooLargeError):
            return GraphQLError(error.message, extensions=error.extensions)
    return None


class BoundedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, weighing the answer as it completes leaves and stopping past the bound."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = getattr(self.context_value, "settings", None)
        query = self.operation.operation is OperationType.QUERY
        self.answer_limit: int = settings.max_response_bytes if settings is not None and query else UNBOUNDED
        self.answer_bytes = 0
        self.stopped = False
        # graphql-core keeps two bound methods of the context on the context: a reference cycle, so a request's
        # whole execution (its loaders, rows and answer) would wait for the cyclic collector instead of going
        # when the request ends. The same helpers, holding the context weakly (a resolver runs while it lives).
        owner = weakref.ref(self)
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=lambda values: _owned(owner).gather_async_work(values),
            track=lambda values: _owned(owner).track_async_work(values),
        )

    def build_response(self, data: dict[str, Any] | None) -> Any:
        # An error's traceback holds the frames that raised it, and they hold this context, which holds the error:
        # a cycle again. An expected error (coded, the client's business) is never logged with its traceback;
        # an unexpected one keeps it for the log (service/documents.py `process_errors`).
        for error in self.collected_errors.errors:
            if not is_unexpected(error):
                _forget_tracebacks(error)
        return super().build_response(data)

    def complete_leaf_value(self, return_type: GraphQLLeafType, result: Any) -> Any:  # type: ignore[override]
        completed = super().complete_leaf_value(return_type, result)
        self.answer_bytes += (len(completed) if type(completed) is str else NUMBER_WEIGHT) + LEAF_OVERHEAD
        if self.answer_bytes > self.answer_limit:
            self.stopped = True
            raise AnswerTooLargeError(self.answer_limit)
        return completed

    def complete_object_value(self, *args: Any) -> Any:
        if self.stopped:  # nothing more is resolved once the answer is known to be refused
            raise AnswerTooLargeError(self.answer_limit)
        return super().complete_object_value(*args)

    def complete_list_value(self, *args: Any) -> Any:
        if self.stopped:
            raise AnswerTooLargeError(self.answer_limit)
        return super().complete_list_value(*args)


def _owned(owner: weakref.ref[BoundedExecutionContext]) -> BoundedExecutionContext:
    context = owner()
    assert context is not None, "a resolver's helpers used after its execution ended"
    return context


def _forget_tracebacks(error: BaseException) -> None:
    """Drop the tracebacks of an error, its original error and what they were raised from or while handling."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        exc.__traceback__ = None
        pending += [exc.__cause__, exc.__context__, getattr(exc, "original_error", None)]
