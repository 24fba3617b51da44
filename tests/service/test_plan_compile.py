"""A selection's compiled fill (service/plan_compile.py) decides as the reference would: leaves serialised, nulls
in non-null fields and the answer's bound refused, other selections handed back to the run in their place."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from types import SimpleNamespace
from typing import Any

import graphql
import pytest
from graphql.execution.values import VariableValues

from service.plan import Fallback, PlanCache, SelectionPlan
from service.plan_compile import compile_fill
from service.schema import schema as served_schema


def _me_selection(document: str) -> SelectionPlan:
    operation = graphql.parse(document).definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    plan = PlanCache().get(served_schema._schema, {}, VariableValues({}, {}), operation)
    assert plan is not None and plan.root.fields[0].selection is not None
    return plan.root.fields[0].selection


class Run:
    """What the compiled function reads of `PlanRun`: the weight, its bound, the fields' infos and the steps it
    hands a relation, an object or a resolver to (recorded here, their place in the answer marked)."""

    def __init__(self, limit: int = 1 << 30) -> None:
        self.weight, self.limit = 0, limit
        self.infos: dict[int, Any] = {}
        self.others: list[str] = []

    def info_of(self, parent_type: Any, plan: Any, path: Any) -> Any:
        info = self.infos[id(plan)] = SimpleNamespace(path=(path, plan.response_name))
        return info

    def relation(self, plan: Any, source: Any, info: Any, out: dict[str, Any]) -> None:
        self.others.append(plan.response_name)
        assert out[plan.response_name] is None  # its place already taken
        out[plan.response_name] = f"<{plan.response_name}>"


def _person(**changes: Any) -> Any:
    gender = served_schema._schema.get_type("Gender")
    assert isinstance(gender, graphql.GraphQLEnumType)
    female = next(iter(gender.values.values())).value
    values = {"full_name": "Nguyễn Thị Hoa", "id": "UGVyc29uOjE", "social_insurance_code": "0190000001",
              "date_of_birth": dt.date(1990, 5, 17), "gender": female}
    return SimpleNamespace(**(values | changes))


def test_the_leaves_are_written_in_the_selection_order_with_the_others_in_their_place() -> None:
    selection = _me_selection(
        "query { me { fullName age: socialInsuranceCode kind: __typename currentCard { cardNumber } id } }"
    )
    run, out = Run(), dict[str, Any]()
    compile_fill(selection)(run, _person(), None, out)
    assert list(out) == ["fullName", "age", "kind", "currentCard", "id"]
    assert out == {"fullName": "Nguyễn Thị Hoa", "age": "0190000001", "kind": "Person",
                   "currentCard": "<currentCard>", "id": "UGVyc29uOjE"}
    assert run.others == ["currentCard"]
    # each leaf weighed as service/execution.py weighs it: its text, plus 16 for its key and punctuation
    assert run.weight == len("Nguyễn Thị Hoa") + len("0190000001") + len("Person") + len("UGVyc29uOjE") + 4 * 16


def test_dates_and_enums_are_the_scalars_own_text() -> None:
    selection = _me_selection("query { me { dateOfBirth gender } }")
    out: dict[str, Any] = {}
    compile_fill(selection)(Run(), _person(), None, out)
    gender = served_schema._schema.get_type("Gender")
    assert isinstance(gender, graphql.GraphQLEnumType)
    assert out == {"dateOfBirth": "1990-05-17", "gender": next(iter(gender.values))}


def test_a_null_in_a_non_null_leaf_and_a_passed_bound_give_the_answer_to_graphql_core() -> None:
    fill = compile_fill(_me_selection("query { me { id fullName socialInsuranceCode } }"))
    out: dict[str, Any] = {}
    fill(Run(), _person(full_name=None), None, out)  # a nullable leaf: null
    assert out["fullName"] is None
    with pytest.raises(Fallback):  # `id: ID!`
        fill(Run(), _person(id=None), None, {})
    with pytest.raises(Fallback):
        fill(Run(limit=20), _person(), None, {})
    with pytest.raises(graphql.GraphQLError):  # a value its type refuses (PlanRun.run then falls back)
        fill(Run(), _person(social_insurance_code=["0190000001"]), None, {})


def test_the_document_words_never_enter_the_code() -> None:
    selection = _me_selection("query { me { import: fullName os: socialInsuranceCode } }")
    out: dict[str, Any] = {}
    compile_fill(selection)(Run(), _person(), None, out)
    assert out == {"import": "Nguyễn Thị Hoa", "os": "0190000001"}


def test_a_compiled_selection_goes_with_its_plan_without_the_cyclic_collector() -> None:
    gc.disable()
    try:
        selection = _me_selection("query { me { fullName currentCard { cardNumber } } }")
        selection.compiled = compile_fill(selection)
        compiled = weakref.ref(selection.compiled)
        del selection
        assert compiled() is None  # freed when its plan went: it keeps no reference back to the selection
    finally:
        gc.enable()
