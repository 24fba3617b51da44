"""The lean path (service/lean.py): planned queries answered without Strawberry's `Schema.execute`, and what it
does instead of the extensions (the log line's operation and viewer); everything else takes the full path. And
the reads-only resolvers a plan calls without Strawberry's wrapper (service/direct.py).

Every answer here is also compared with the reference executor's (`Pair.both`, tests/service/test_planned.py).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
from collections.abc import Iterator
from typing import Any

import graphql
import pytest

from service.direct import DirectCall, PermissionUndecided, constant_arguments, direct_call
from service.documents import GuardedSchema
from service.logs import JsonFormatter
from service.plan_leaves import leaf_serializer
from service.plan_run import PlanRun
from service.schema import schema as served_schema
from tests.graphql import CONTRACT_DIR
from tests.service.test_planned import Pair, pair

__all__ = ["pair"]  # the fixture, shared with the differential suite

HOME = (CONTRACT_DIR / "mobile/Home.graphql").read_text(encoding="utf-8")
FACILITIES = (CONTRACT_DIR / "public/Facilities.graphql").read_text(encoding="utf-8")


class Calls:
    def __init__(self) -> None:
        self.execute = 0
        self.plan_runs = 0


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    """Counts Strawberry's `Schema.execute` and the plan runs (in both apps of the pair: count the planned one's by
    difference with what the reference alone does, which is one `Schema.execute` and no plan run per request)."""
    counted = Calls()
    execute, run = GuardedSchema.execute, PlanRun.run

    async def counting_execute(self: GuardedSchema, *args: Any, **kwargs: Any) -> Any:
        counted.execute += 1
        return await execute(self, *args, **kwargs)

    async def counting_run(self: PlanRun, *args: Any, **kwargs: Any) -> Any:
        counted.plan_runs += 1
        return await run(self, *args, **kwargs)

    monkeypatch.setattr(GuardedSchema, "execute", counting_execute)
    monkeypatch.setattr(PlanRun, "run", counting_run)
    yield counted


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "vssid.request"]


async def test_home_takes_the_lean_path_and_is_logged_as_before(
    pair: Pair, calls: Calls, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vssid.request")
    await pair.both("owner", "/graphql", HOME)
    # The reference app executes once through Strawberry; the planned one not at all, and runs its plan once.
    assert (calls.execute, calls.plan_runs) == (1, 1)
    planned, reference = _lines(caplog)
    for line in (planned, reference):
        assert (line["operation"], line["viewer"], line["errors"], line["status"]) == ("Home", "CITIZEN", [], 200)
    assert planned["request_id"] != reference["request_id"]


async def test_an_unnamed_operation_is_logged_without_a_name(
    pair: Pair, calls: Calls, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vssid.request")
    await pair.both("owner", "/graphql", "{ me { fullName } }")
    assert (calls.execute, calls.plan_runs) == (1, 1)
    assert [(line["operation"], line["viewer"]) for line in _lines(caplog)] == [(None, "CITIZEN")] * 2


async def test_an_error_leaves_the_lean_path_and_the_plan_is_not_run_twice(
    pair: Pair, calls: Calls, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vssid.request")
    query = "query Big { me { fullName medicalVisits(first: 1000) { totalCount } } }"
    answer = json.loads(await pair.both("owner", "/graphql", query))
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    # Planned app: one plan run abandoned, then Strawberry's path (graphql-core alone); reference: Strawberry's.
    assert (calls.execute, calls.plan_runs) == (2, 1)
    assert [line["errors"] for line in _lines(caplog)] == [["INVALID_INPUT"]] * 2


async def test_rate_limited_and_refused_operations_take_the_full_path(pair: Pair, calls: Calls) -> None:
    # The directory spends a rate-limit budget: DirectoryRateLimit counts it on Strawberry's path, where the
    # planned app then runs the operation's plan (its fields read only: core/policy.py PUBLIC_DIRECTORY).
    await pair.both("anonymous", "/graphql", FACILITIES, {"first": 2})
    assert (calls.execute, calls.plan_runs) == (2, 1)
    # Mutations and introspection never take it; neither does a variable that does not coerce.
    await pair.both("owner", "/graphql", "{ __schema { queryType { name } } }")
    await pair.both("owner", "/graphql", "query ($n: Int) { me { medicalVisits(first: $n) { totalCount } } }",
                    {"n": "many"})
    assert (calls.execute, calls.plan_runs) == (6, 1)


def test_reads_only_resolvers_with_plain_arguments_are_called_directly() -> None:
    schema = served_schema._schema
    me = direct_call(schema, _field("Query", "me"))
    assert me is not None and [type(p).__name__ for p in me.permissions] == ["IsSignedIn"]
    visits = direct_call(schema, _field("Person", "medicalVisits"))
    assert visits is not None and visits.names == (("year", "year"), ("first", "first"), ("after", "after"))
    inbox = direct_call(schema, _field("Person", "inbox"))
    assert inbox is not None and ("unreadOnly", "unread_only") in inbox.names
    # An enum argument (its Python value is converted by Strawberry): the wrapper stays.
    assert direct_call(schema, _field("Person", "contributionPeriods")) is None


def _node(document: str) -> graphql.FieldNode:
    """The first field inside `me { ... }` of a document."""
    operation = graphql.parse(document).definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    me = operation.selection_set.selections[0]
    assert isinstance(me, graphql.FieldNode) and me.selection_set is not None
    field = me.selection_set.selections[0]
    assert isinstance(field, graphql.FieldNode)
    return field


def test_arguments_written_as_literals_are_coerced_once_with_their_defaults() -> None:
    visits = _field("Person", "medicalVisits")
    literal = constant_arguments(visits, _node("{ me { medicalVisits(first: 5) { totalCount } } }"))
    assert literal == graphql.execution.values.get_argument_values(
        visits, _node("{ me { medicalVisits(first: 5) { totalCount } } }")
    )
    assert literal is not None and literal["first"] == 5
    assert constant_arguments(visits, _node("{ me { medicalVisits { totalCount } } }")) is not None
    # A variable anywhere, or a literal that does not coerce: coerced per request, as graphql-core does.
    variable = _node("query ($n: Int) { me { medicalVisits(first: $n) { totalCount } } }")
    assert constant_arguments(visits, variable) is None
    assert constant_arguments(visits, _node('{ me { medicalVisits(first: "many") { totalCount } } }')) is None


async def test_literal_and_variable_arguments_answer_alike(pair: Pair) -> None:
    literal = await pair.both("owner", "/graphql", "{ me { medicalVisits(first: 2) { edges { node { id } } } } }")
    variable = await pair.both(
        "owner", "/graphql", "query ($n: Int) { me { medicalVisits(first: $n) { edges { node { id } } } } }", {"n": 2}
    )
    assert json.loads(literal) == json.loads(variable)
    assert len(json.loads(literal)["data"]["me"]["medicalVisits"]["edges"]) == 2


def _field(type_name: str, field_name: str) -> graphql.GraphQLField:
    object_type = served_schema._schema.type_map[type_name]
    assert isinstance(object_type, graphql.GraphQLObjectType)
    field: graphql.GraphQLField = object_type.fields[field_name]
    return field


async def test_the_oracle_catches_a_direct_call_that_drops_an_argument(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = DirectCall.__call__

    def forgetful(self: DirectCall, source: Any, raw_info: Any, arguments: dict[str, Any]) -> Any:
        return original(self, source, raw_info, {k: v for k, v in arguments.items() if k != "first"})

    monkeypatch.setattr(DirectCall, "__call__", forgetful)
    query = (CONTRACT_DIR / "mobile/MedicalHistory.graphql").read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="planned"):
        await pair.both("owner", "/graphql", query, {"first": 3})


async def test_a_permission_that_refuses_leaves_the_plan(pair: Pair, calls: Calls) -> None:
    answer = json.loads(await pair.both("anonymous", "/graphql", "{ me { fullName } }"))
    assert answer["data"] == {"me": None}
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (calls.execute, calls.plan_runs) == (2, 1)  # the plan abandoned once, then Strawberry's path


def test_an_enum_leaf_is_written_from_a_table_made_by_its_own_serializer() -> None:
    visit_type = served_schema._schema.type_map["VisitType"]
    assert isinstance(visit_type, graphql.GraphQLEnumType)
    members = visit_type.wrapped_cls  # type: ignore[attr-defined]
    serialize = leaf_serializer(visit_type)
    assert [serialize(m) for m in members] == [visit_type.serialize(m) for m in members]
    assert serialize(next(iter(members)).value) == visit_type.serialize(next(iter(members)).value)


def test_a_permission_answering_later_is_left_to_graphql_core_unawaited(recwarn: pytest.WarningsRecorder) -> None:
    class Later:
        async def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            return True

    me = direct_call(served_schema._schema, _field("Query", "me"))
    assert me is not None
    later = dataclasses.replace(me, permissions=(Later(),))
    with pytest.raises(PermissionUndecided):
        later(None, None, {})  # type: ignore[arg-type]
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]
