"""Planned execution of queries (`VSSID_EXECUTOR=planned`, the default), in two layers decided before the run.

1. A query with an operation plan (service/plan.py: every selection of a kind the planner runs) is run from it,
   level by level (service/plan_run.py). An error in its answer sends it to graphql-core from the start.
2. Any other query runs through graphql-core's executor with the plain leaves of each selection set read directly.
   Of the 61 fields graphql-core executes for a Home request, 45 are plain leaves (a `str`, a date, an enum read
   from an attribute of the loaded record); graphql-core gives each of them a `GraphQLResolveInfo`, a call through
   Strawberry's resolver, an awaitable check and a `complete_value` dispatch. Here each selection set is planned
   once per request (graphql-core already collects it once per list and type): its plain leaves are found from a
   per-schema classification of the fields (`leaf_plan`), and while the selection set is executed for an object
   they are read from its attribute and completed with `complete_leaf_value` (so the answer is still weighed,
   service/execution.py). Every other field goes through graphql-core's `execute_field` unchanged.

The reference is graphql-core's own path, which stays one setting away (`VSSID_EXECUTOR=reference`): in the second
layer a leaf whose value is null for a non-null field, or whose completion raises (a value the scalar cannot
serialise, the answer too large), is executed again by `execute_field`, so its error (message, path, locations,
extensions) is graphql-core's own. Mutations and subscriptions take the reference path whole.
`tests/service/test_planned.py` runs every contract query and generated documents through both executors and
requires the same answers.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationType,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel

from core.metrics import PLAN_OUTCOMES
from service.execution import BoundedExecutionContext
from service.plan import PLANS, Fallback, OperationPlan, is_basic_field, strawberry_field
from service.plan_run import PlanRun

PLANNED = "planned"
RAN_PLANNED, FELL_BACK, UNPLANNED = (PLAN_OUTCOMES.labels(outcome) for outcome in ("planned", "fallback", "unplanned"))
REFERENCE = "reference"


class LeafPlan(NamedTuple):
    """A plain leaf: the attribute it reads, its scalar or enum type, whether the field is non-null."""

    attribute: str
    leaf_type: Any
    non_null: bool


# Classification of each schema field, by (type name, field name): bounded by the schema's size.
_FIELD_PLANS: dict[tuple[str, str], LeafPlan | None] = {}


def field_plan_count() -> int:
    """How many schema fields have been classified in this process (the plans' memory is this many entries)."""
    return len(_FIELD_PLANS)


def leaf_plan(parent_type: GraphQLObjectType, field_name: str) -> LeafPlan | None:
    """The plan of a plain leaf field, or None if graphql-core must execute it (decided once per schema field)."""
    key = (parent_type.name, field_name)
    try:
        return _FIELD_PLANS[key]
    except KeyError:
        pass
    plan = _classify(parent_type, field_name)
    _FIELD_PLANS[key] = plan
    return plan


def _classify(parent_type: GraphQLObjectType, field_name: str) -> LeafPlan | None:
    field_def = parent_type.fields.get(field_name)
    if field_def is None:
        return None
    definition = strawberry_field(field_def)
    if not is_basic_field(definition, field_def):
        return None
    return_type = field_def.type
    non_null = isinstance(return_type, GraphQLNonNull)
    leaf_type = return_type.of_type if non_null else return_type
    if not isinstance(leaf_type, GraphQLScalarType | GraphQLEnumType):
        return None
    return LeafPlan(definition.python_name, leaf_type, non_null)


class LeafSteps(NamedTuple):
    """One selection set for one parent type: per response key, its leaf plan or None (executed)."""

    steps: tuple[tuple[str, Any, LeafPlan | None], ...]


def plan_selection(parent_type: GraphQLObjectType, grouped_field_set: dict[str, Any]) -> LeafSteps:
    steps = []
    for response_name, field_details_list in grouped_field_set.items():
        details: FieldDetails = field_details_list[0]
        node = details.node
        plain = details.defer_usage is None and details.fragment_variable_values is None and not node.arguments
        plan = leaf_plan(parent_type, node.name.value) if plain else None
        steps.append((response_name, field_details_list, plan))
    return LeafSteps(tuple(steps))


_MISSING = object()


class PlannedExecutionContext(BoundedExecutionContext):
    """BoundedExecutionContext whose queries read plain leaves directly (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = getattr(self.context_value, "settings", None)
        chosen = getattr(settings, "executor", PLANNED)
        # Strawberry hands over a middleware manager per request, empty unless an extension wraps field resolution.
        wrapped = bool(getattr(self.middleware_manager, "middlewares", ()))
        self.planned = chosen == PLANNED and self.operation.operation is OperationType.QUERY and not wrapped
        self._selection_plans: dict[tuple[str, int], LeafSteps] = {}

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        new_defer_usages: Any,
    ) -> Any:
        abandoned = getattr(self.context_value, "plan_abandoned", False)
        if self.planned and not serially and not new_defer_usages and not abandoned:
            plan = PLANS.get(self.schema, self.fragments, self.variable_values, self.operation)
            if plan is not None:
                return self.run_plan(plan, root_type, root_value, grouped_field_set, new_defer_usages)
            UNPLANNED.inc()
        return super().execute_collected_root_fields(
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )

    async def run_plan(
        self, plan: OperationPlan, root_type: GraphQLObjectType, root_value: Any, grouped_field_set: Any,
        new_defer_usages: Any,
    ) -> Any:
        """The operation's plan run (service/plan_run.py); on any error, graphql-core's execution from the start."""
        try:
            data = await PlanRun(self).run(plan)
        except Fallback:
            FELL_BACK.inc()
            self.answer_bytes, self.stopped = 0, False
            result = super().execute_collected_root_fields(
                root_type, root_value, grouped_field_set, False, new_defer_usages
            )
            return await result if self.is_awaitable(result) else result
        RAN_PLANNED.inc()
        return data

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if not self.planned:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        # graphql-core keeps each grouped field set alive for the whole execution: its id is a stable key.
        key = (parent_type.name, id(grouped_field_set))
        plan = self._selection_plans.get(key)
        if plan is None:
            plan = self._selection_plans[key] = plan_selection(parent_type, grouped_field_set)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, leaf in plan.steps:
                if leaf is not None:
                    value = getattr(source_value, leaf.attribute, _MISSING)
                    if value is None and not leaf.non_null:
                        results[response_name] = None
                        continue
                    if value is not None and value is not _MISSING:
                        try:
                            results[response_name] = self.complete_leaf_value(leaf.leaf_type, value)
                            continue
                        except Exception:  # noqa: S110 - graphql-core's own path below reports it
                            pass
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type, source_value, field_details_list, field_path, position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()
