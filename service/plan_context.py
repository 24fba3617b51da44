"""What a plan's run reads of graphql-core's execution context, for the lean path, made without one.

Building graphql-core's `Executor` for a request (its incremental publisher, error collection, helpers, middleware
manager) cost about 9 µs; `PlanRun` reads a dozen of its attributes and calls `build_resolve_info`. For a document
without fragment definitions (the contract's queries have none), `PlanContext.build` finds the operation and
coerces the variables with graphql-core's own `get_variable_values`, and answers None for anything else (several
operations and no name, an unknown name, fragments, variables that do not coerce): the lean path then builds
graphql-core's context as before. Resolvers get the same `Info` as on graphql-core's path (Strawberry's
`build_resolve_info`, on these attributes); its `async_helpers` are graphql-core's, bound to no executor: a
resolver that used them would fail, and the plan's run would hand the request to graphql-core whole.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, OperationType
from graphql.execution.values import get_variable_values
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service.execution import UNBOUNDED

_NO_HELPERS = GraphQLResolveInfoHelpers(gather=None, track=None)  # type: ignore[arg-type]


class PlanContext:
    """The attributes of graphql-core's execution context that a plan's run and its resolvers' `Info` read."""

    __slots__ = (
        "abort_signal", "answer_bytes", "answer_limit", "async_helpers", "context_value", "fragment_definitions",
        "fragments", "hide_suggestions", "is_awaitable", "operation", "operation_extensions", "planned",
        "root_value", "schema", "variable_values",
    )  # fmt: skip

    is_awaitable: Callable[[Any], TypeGuard[Awaitable[Any]]]
    # Strawberry's own, which reads only attributes this object has.
    build_resolve_info: Any = StrawberryGraphQLCoreExecutionContext.build_resolve_info

    def __init__(
        self, schema: GraphQLSchema, operation: OperationDefinitionNode, variable_values: Any, context: Any, *,
        is_awaitable: Any, operation_extensions: Any,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.variable_values = variable_values
        self.context_value = context
        self.is_awaitable = is_awaitable
        self.operation_extensions = operation_extensions
        self.fragment_definitions: dict[str, Any] = {}
        self.fragments: dict[str, Any] = {}
        self.root_value = None
        self.abort_signal = None
        self.async_helpers = _NO_HELPERS
        self.hide_suggestions = True
        self.planned = True
        settings = getattr(context, "settings", None)
        query = operation.operation is OperationType.QUERY
        self.answer_limit = settings.max_response_bytes if settings is not None and query else UNBOUNDED
        self.answer_bytes = 0

    @classmethod
    def build(
        cls, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, raw_variables: Any, *,
        context: Any, is_awaitable: Any, operation_extensions: Any,
    ) -> PlanContext | None:
        """As graphql-core's `Executor.build` for a document of operations only, else None (module docstring)."""
        operation: OperationDefinitionNode | None = None
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                return None  # a fragment: graphql-core's own build reads it
            if operation_name is None:
                if operation is not None:
                    return None
                operation = definition
            elif definition.name is not None and definition.name.value == operation_name:
                operation = definition
        if operation is None:
            return None
        variables = get_variable_values(
            schema, operation.variable_definitions or (), raw_variables or {}, max_errors=50, hide_suggestions=True
        )
        if isinstance(variables, list):
            return None  # errors: worded on Strawberry's path
        return cls(
            schema, operation, variables, context, is_awaitable=is_awaitable, operation_extensions=operation_extensions
        )
