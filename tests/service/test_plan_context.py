"""The lean path's execution context (service/plan_context.py): made only where graphql-core's build would make
the same operation and variables, else left to graphql-core."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import graphql
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable

from service.plan_context import PlanContext
from service.planned import PlannedExecutionContext
from service.schema import schema as served_schema

SCHEMA = served_schema._schema
HISTORY = (
    "query MedicalHistory($year: Int, $first: Int) { me { medicalVisits(year: $year, first: $first) { totalCount } } }"
)
CONTEXT = SimpleNamespace(settings=SimpleNamespace(max_response_bytes=1000))


def _build(document: str, name: str | None = None, variables: dict[str, Any] | None = None) -> PlanContext | None:
    return PlanContext.build(
        SCHEMA, graphql.parse(document), name, variables, context=CONTEXT, is_awaitable=optimized_is_awaitable,
        operation_extensions=None,
    )


def test_it_finds_the_operation_and_coerces_the_variables_as_graphql_core_does() -> None:
    built = _build(HISTORY + " query Other { me { id } }", "MedicalHistory", {"first": 20})
    assert built is not None and built.operation.name is not None
    assert built.operation.name.value == "MedicalHistory"
    assert built.variable_values.coerced == {"first": 20}
    assert built.answer_limit == 1000 and built.fragments == {}
    reference = PlannedExecutionContext.build(
        SCHEMA, graphql.parse(HISTORY), None, CONTEXT, {"first": 20}, None, hide_suggestions=True,
        operation_extensions=None,
    )
    assert isinstance(reference, PlannedExecutionContext)
    assert reference.variable_values.coerced == built.variable_values.coerced


def test_anything_else_is_left_to_graphql_core() -> None:
    assert _build("query A { me { id } } query B { me { id } }") is None  # two operations, no name
    assert _build(HISTORY, "Unknown") is None
    assert _build("query { me { ...F } } fragment F on Person { id }") is None
    assert _build(HISTORY, None, {"first": "twenty"}) is None  # a variable that does not coerce


def test_resolvers_get_strawberrys_info() -> None:
    built = _build(HISTORY, None, {"year": 2025})
    assert built is not None
    person = SCHEMA.get_type("Person")
    assert isinstance(person, graphql.GraphQLObjectType)
    field = built.operation.selection_set.selections[0]
    info = built.build_resolve_info(person.fields["medicalVisits"], [field], person, Path(None, "me", "Query"))
    assert info.context is CONTEXT and info.variable_values == {"year": 2025}
    assert info.operation is built.operation and info.field_name == "me"
