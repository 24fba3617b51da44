"""The lean path of a planned query: its plan run without Strawberry's per-operation wrapping.

`Schema.execute` wraps every operation in an extension runner (five extensions, four hooks each, generators and
async context managers), a middleware manager and two result conversions: about a third of the Python of a Home
request once the plan itself runs it (docs/performance.md). A query that needs none of that takes this path
instead, decided before it runs:

- its document is cached and valid, its operation a query without introspection, refused by none of the checks
  that depend on the request (`service.documents.request_errors`: cost with its page sizes, credentials by GET);
- it spends no rate-limit budget (the directory's root fields take the full path, where `DirectoryRateLimit`
  counts them);
- its variables coerce, and it has an operation plan (service/plan.py).

It then does what the extensions would do for an error-free query, through the same functions: the operation
name, viewer and (no) error codes for the log line (`observe_operation`), `Cache-Control: public` for an
anonymous directory answer (`mark_public`). Anything else, and any error met while the plan runs, answers None:
the caller runs the operation through `Schema.execute` as before, which then goes straight to graphql-core's
execution (the context remembers the plan was abandoned, so it does not run twice). `VSSID_EXECUTOR=reference`
never takes this path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from graphql import OperationType
from strawberry.execution import optimized_is_awaitable
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as StrawberryOperation

from loaders.context import Context
from service import speculation
from service.caching import mark_public
from service.documents import GuardedSchema, request_errors
from service.observability import observe_operation
from service.plan import PLANS, Fallback, OperationPlan
from service.plan_context import PlanContext
from service.plan_run import PlanRun
from service.planned import FELL_BACK, PLANNED, RAN_PLANNED, PlannedExecutionContext


async def execute(
    schema: GuardedSchema, context: Context, data: GraphQLRequestData, allowed: Iterable[StrawberryOperation]
) -> ExecutionResult:
    """The request's operation: on the lean path if it can take it, else through Strawberry's `Schema.execute`."""
    lean = await execute_lean(schema, context, data)
    if lean is not None:
        return lean
    await speculation.settle(context)  # Strawberry's path runs on the verified viewer
    return await schema.execute(
        data.query, variable_values=data.variables, context_value=context, operation_name=data.operation_name,
        allowed_operation_types=allowed, operation_extensions=data.extensions,
    )


async def execute_lean(schema: GuardedSchema, context: Context, data: GraphQLRequestData) -> ExecutionResult | None:
    """The planned answer of an error-free query on the lean path, or None: run it through `Schema.execute`."""
    planned = _planned(schema, context, data)
    if planned is None:
        return None
    executor, plan, root_fields = planned
    try:
        answer = await PlanRun(executor).run(plan)
    except Fallback:
        FELL_BACK.inc()
        context.plan_abandoned = True
        return None
    if not await speculation.settle(context):
        return None  # run on a guessed viewer the session does not confirm: thrown away
    RAN_PLANNED.inc()
    name = data.operation_name
    if name is None and executor.operation.name is not None:
        name = executor.operation.name.value
    observe_operation(name, context)
    mark_public(schema, context, root_fields)
    return ExecutionResult(data=answer, errors=None)


def _planned(
    schema: GuardedSchema, context: Context, data: GraphQLRequestData
) -> tuple[PlanContext | PlannedExecutionContext, OperationPlan, frozenset[str]] | None:
    """The execution context and plan of a query that may take the lean path (module docstring), else None."""
    query = data.query
    prepared = schema.documents.prepare(query) if query and context.settings.executor == PLANNED else None
    shape = prepared.shape if prepared is not None and not prepared.errors else None
    operation = shape.operation(data.operation_name) if shape is not None else None
    if operation is None or operation.kind is not OperationType.QUERY or operation.introspection:
        return None
    assert query is not None and prepared is not None and prepared.document is not None
    root_fields = operation.root_fields - {"__typename"}
    if schema.policy.rate_limits(root_fields) or request_errors(
        schema, query, prepared, data.operation_name, data.variables, context
    ):
        return None
    executor: PlanContext | PlannedExecutionContext | None = PlanContext.build(
        schema._schema, prepared.document, data.operation_name, data.variables, context=context,
        is_awaitable=optimized_is_awaitable, operation_extensions=data.extensions,
    )
    if executor is None:  # fragments, or anything else graphql-core's own build decides
        built = PlannedExecutionContext.build(
            schema._schema, prepared.document, None, context, data.variables, data.operation_name,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type] # Strawberry's, as Schema.execute hands it
            hide_suggestions=True, operation_extensions=data.extensions,
        )
        if isinstance(built, list):
            return None  # variables that do not coerce: Strawberry's path words the errors
        executor = cast("PlannedExecutionContext", built)
        if not executor.planned:
            return None
    plan = PLANS.get(executor.schema, executor.fragments, executor.variable_values, executor.operation)
    return None if plan is None else (executor, plan, root_fields)
