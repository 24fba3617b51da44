"""The answer of a reference object, made once and shared by a worker's requests (service/plan_run.py).

A selection the planner marked `pure` (service/plan.py: leaves, and single relations to rows the worker shares,
all the way down, with no check of the viewer) answers the same for the same rows. Its answer, with its weight,
is kept by plan and row (`SharedRows.subtrees`) until the first of the rows it was made of stops being shared, so
a renamed facility or province shows as soon as its row is read again, as without it. A row below that is not at
hand makes it `IMPURE`: the usual path then reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLString

from service.plan import Fallback, FieldPlan, Kind, SelectionPlan

if TYPE_CHECKING:
    from service.plan_run import PlanRun


class Impure(Exception):  # noqa: N818 - a decision, not a failure
    """A row of a reference object's answer is not at hand: it is made the usual way."""


IMPURE: Any = object()


def reference_answer(run: PlanRun, plan: FieldPlan, entry: tuple[float, Any]) -> Any:
    """The answer of a reference object (a `pure` selection: service/plan.py) from a shared row: made once per
    plan and row and kept, with its weight, until the first of its rows stops being shared; `IMPURE` when a
    row below is not at hand (the usual path then reads it)."""
    shared = run.loaders.shared
    assert shared is not None and plan.selection is not None and plan.relation is not None
    expiry, row = entry
    if row is None:
        if plan.non_null:
            raise Fallback
        return None
    kept = shared.subtrees.get((id(plan), id(row)))
    if kept is not None and kept[0] is row and kept[1] is plan and kept[4] > shared.clock():
        run.weigh(kept[3])
        return kept[2]
    before = run.weight
    try:
        answer, expiry = _fill(run, plan.selection, shared.mapped(plan.relation.target, row), expiry)
    except Impure:
        run.weight = before
        return IMPURE
    if len(shared.subtrees) >= shared.size:
        shared.subtrees.clear()
    # The plan and the row kept with it: their ids are no one else's while the answer is kept.
    shared.subtrees[(id(plan), id(row))] = (row, plan, answer, run.weight - before, expiry)
    return answer


def _fill(run: PlanRun, selection: SelectionPlan, source: Any, expiry: float) -> tuple[dict[str, Any], float]:
    shared = run.loaders.shared
    assert shared is not None
    is_type_of = selection.object_type.is_type_of  # Strawberry's own, if any: the object's class
    if is_type_of is not None and not is_type_of(source, None):  # type: ignore[arg-type] # it reads no info
        raise Fallback
    out: dict[str, Any] = {}
    for plan in selection.fields:
        name = plan.response_name
        if plan.kind is Kind.TYPENAME:
            out[name] = run.leaf(GraphQLString.serialize, selection.object_type.name)
            continue
        if plan.kind is Kind.LEAF:
            value = getattr(source, plan.attribute)
        else:  # a single relation to a shared row, with a pure selection
            relation = plan.relation
            assert relation is not None and plan.selection is not None
            key = getattr(source, relation.key)
            entry = None if key is None else shared.entry(relation.loader, key)
            if key is not None and entry is None:
                raise Impure
            row = None if entry is None else entry[1]
            value = None if row is None else shared.mapped(relation.target, row)
            if value is not None and entry is not None:
                out[name], expiry = _fill(run, plan.selection, value, min(expiry, entry[0]))
                continue
        if value is None:
            if plan.non_null:
                raise Fallback
            out[name] = None
        else:
            out[name] = run.leaf(plan.serialize, value)  # type: ignore[arg-type]
    return out, expiry
