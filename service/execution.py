"""The answer's size, bounded while it is built: a query whose answer would pass `VSSID_MAX_RESPONSE_BYTES` stops
building it and is answered RESPONSE_TOO_LARGE, with nothing of it sent.

The query cost (service/limits.py) bounds how many objects a document may ask for, but not how many bytes they
weigh; this bounds the bytes, and with them the memory and CPU one request can take, whatever the document. The
weight is counted where graphql-core completes each leaf value (its text, plus the key and punctuation around it),
so the check costs one addition per leaf. Mutations are not cut short: their answers are small, and an answer
dropped after the write happened would hide it.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLLeafType, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import text

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
