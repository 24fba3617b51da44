"""Each selection of a plan compiled once into a Python function that fills one object's answer (graphql-jit's idea).

`PlanRun.fill` reads a selection's plain leaves in a loop over (key, attribute, serialiser, non-null) tuples, a
`getattr` by name and a serialiser call per leaf, then dispatched every other selection by its kind. The compiled
function does the same work written out, field by field in the selection's order: the attribute read by name in
the code (the interpreter caches its look-up), the common serialisations inline (a `str` for String or ID, an
`int` in range for Int, a `bool` for Boolean, a member of the enum), anything else by the type's own serialiser,
the weight added up in a local; an object, a relation or a resolver calls the run's own step for its kind
directly. What it decides is what the loop decided: a null in a non-null field, a value its type refuses or the
answer's bound passed end the planned answer (graphql-core then answers the whole request).

The code is written from the schema alone: Python attribute names of the schema's fields (checked to be plain
identifiers, else read with `getattr`). The document's words (aliases, field names) never enter it: response keys
and serialisers are constants handed to the function.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLString
from graphql.pyutils import Undefined

from service.execution import LEAF_OVERHEAD, NUMBER_WEIGHT
from service.plan import Fallback, Kind
from service.plan_leaves import MAX_INT, MIN_INT, enum_names

if TYPE_CHECKING:
    from service.plan import FieldPlan, SelectionPlan

Fill = Callable[[Any, Any, Any, dict[str, Any]], None]


def compile_fill(selection: SelectionPlan) -> Fill:
    """The function `(run, source, path, out)` that fills `out` with the selection's answer for `source`."""
    constants: dict[str, Any] = {
        "Fallback": Fallback, "Undefined": Undefined, "MIN_INT": MIN_INT, "MAX_INT": MAX_INT,
    }
    lines = ["def fill(run, source, path, out):", "    w = run.weight"]
    for index, plan in enumerate(selection.fields):
        key = f"K{index}"
        constants[key] = plan.response_name
        if plan.kind is Kind.TYPENAME:
            constants[f"T{index}"] = selection.object_type.name  # what String's serialiser makes of it
            lines += [f"    w += {len(selection.object_type.name) + LEAF_OVERHEAD}", f"    out[{key}] = T{index}"]
            continue
        if plan.kind is not Kind.LEAF or plan.is_list:
            constants[f"P{index}"] = plan
            lines += _other(plan, index)
            continue
        read = _read(plan.attribute)
        constants[f"S{index}"] = plan.leaf_type.serialize
        lines += [f"    v = {read}", "    if v is None:"]
        lines += ["        raise Fallback"] if plan.non_null else [f"        out[{key}] = None"]
        lines.append("    else:")
        lines += [f"        {line}" for line in _serialised(plan.leaf_type, index, constants)]
        lines.append(f"        out[{key}] = c")
    lines += ["    run.weight = w", "    if w > run.limit:", "        raise Fallback"]
    # The parent type, not the selection: the selection keeps this function, which would then keep it (a cycle
    # that only the cyclic collector frees once the plan leaves its cache).
    constants["PARENT"] = selection.object_type
    namespace: dict[str, Any] = dict(constants)
    exec("\n".join(lines), namespace)  # noqa: S102 - code written above from the schema's names only
    fill: Fill = namespace.pop("fill")  # out of its own globals: the function and its namespace make no cycle
    return fill


def _read(attribute: str) -> str:
    """The expression reading an attribute of `source`: a name of the schema's Python fields, never a document's."""
    if attribute.isidentifier() and not keyword.iskeyword(attribute):
        return f"source.{attribute}"
    return f"getattr(source, {attribute!r})"


def _other(plan: FieldPlan, index: int) -> list[str]:
    """Lines for a selection that is not a plain leaf: its place in the answer, the field's info of this request
    (made on its first object, `PlanRun.info_of`), then the run's step for an object, a relation or a resolver."""
    key, constant = f"K{index}", f"P{index}"
    if plan.kind is Kind.LEAF:  # a list of leaves
        null = ["        raise Fallback"] if plan.non_null else [f"        out[{key}] = None"]
        return [
            "    run.weight = w", f"    v = {_read(plan.attribute)}", "    if v is None:", *null, "    else:",
            f"        out[{key}] = run.complete({constant}, v, None)", "    w = run.weight",
        ]
    lines = [
        "    run.weight = w",
        f"    info = run.infos.get({id(plan)})",
        "    if info is None:",
        f"        info = run.info_of(PARENT, {constant}, path)",
        f"    out[{key}] = None",
    ]
    if plan.kind is Kind.OBJECT and not plan.is_list:
        null = ["        raise Fallback"] if plan.non_null else []
        lines += [
            f"    v = {_read(plan.attribute)}", "    if v is None:", *null, "        pass", "    else:",
            f"        out[{key}] = run.item({constant}, v, info, info.path)",
        ]
    elif plan.kind is Kind.OBJECT:
        lines.append(f"    out[{key}] = run.complete({constant}, {_read(plan.attribute)}, info)")
    elif plan.kind is Kind.RELATION:
        lines.append(f"    run.relation({constant}, source, info, out)")
        relation = plan.relation
        if relation is not None and relation.part is None:
            # The same reference answer met before in this request (a page's visits share hospitals): as
            # `PlanRun.relation` writes it, without the call or the field's info.
            memo = [
                f"    known = run.references.get(({id(plan)}, {_read(relation.key)}))",
                "    if known is not None:",
                "        w += known[1]",
                f"        out[{key}] = known[0]",
                "    else:",
            ]
            return [*memo, *(f"    {line}" for line in lines), "        w = run.weight"]
    else:
        lines.append(f"    run.resolve({constant}, source, info, out)")
    return [*lines, "    w = run.weight"]


def _serialised(leaf_type: Any, index: int, constants: dict[str, Any]) -> list[str]:
    """Lines that set `c` to the leaf's serialised value `v` and add its weight to `w` (as service/execution.py
    weighs a leaf); the fast cases are `service.plan_leaves.leaf_serializer`'s, written inline."""
    string_weight = f"w += len(c) + {LEAF_OVERHEAD}"
    number_weight = f"w += {NUMBER_WEIGHT + LEAF_OVERHEAD}"
    general = [
        f"c = S{index}(v)",
        "if c is None or c is Undefined:",
        "    raise Fallback",
        f"w += (len(c) if type(c) is str else {NUMBER_WEIGHT}) + {LEAF_OVERHEAD}",
    ]
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return ["if type(v) is str:", "    c = v", f"    {string_weight}", "else:", *(f"    {g}" for g in general)]
    if leaf_type is GraphQLInt:
        fast = ["c = v", number_weight]
        return ["if type(v) is int and MIN_INT <= v <= MAX_INT:", *(f"    {f}" for f in fast), "else:",
                *(f"    {g}" for g in general)]
    if leaf_type is GraphQLBoolean:
        return ["if type(v) is bool:", "    c = v", f"    {number_weight}", "else:", *(f"    {g}" for g in general)]
    named = enum_names(leaf_type)
    if named is not None:
        constants[f"E{index}"], constants[f"N{index}"] = named
        return [f"if type(v) is E{index}:", f"    c = N{index}[v]", f"    {string_weight}", "else:",
                *(f"    {g}" for g in general)]
    return general
