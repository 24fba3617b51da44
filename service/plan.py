"""Operation plans: each query compiled once into what every selection does, for service/plan_run.py to run.

A plan is built for one operation of one cached document and the values of the variables its `@skip`/`@include`
read (graphql-core's own `collect_fields` decides the selections, so aliases, fragments and directives mean what
they mean in the reference). Every selection becomes one `FieldPlan` of a kind decided from the schema:

- `TYPENAME`: `__typename`;
- `LEAF`: a plain attribute of a scalar or enum type (Strawberry's basic field, no argument);
- `OBJECT`: a plain attribute holding an object or a list of objects (an edge, a page's info);
- `RELATION`: a field declared with `schema.relation` (its loader, key, target and part; `relation_of_parent`:
  an object made from the parent and the loader's whole answer): the objects of one level ask their loader
  together, with no resolver call, `Info` or coroutine per field;
- `RESOLVE`: a resolver declared `FieldPolicy(reads_only=True)`: called as graphql-core would call it.

A reads-only resolver may answer an interface or a union (`node(id:)`): each of its object types gets its selection,
and the value's type is resolved when it comes. An operation with anything else (a mutation, introspection, a
list of lists, a relation or attribute of an abstract type, a resolver not declared reads-only, a middleware)
gets no plan: it runs through graphql-core whole, decided here, before it runs.
A planned answer that meets an error is thrown away whole and graphql-core answers instead (service/plan_run.py).
The plans are kept in a bounded LRU (`vssid_operation_plans` in the metrics).
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.collect_fields import collect_fields, collect_subfields

from core.policy import POLICY, RELATION, Relation
from service.direct import DirectCall, constant_arguments, direct_call
from service.plan_leaves import leaf_serializer
from service.policy import DEFINITION as STRAWBERRY_DEFINITION

PLAN_CACHE_SIZE = 256


class Kind(enum.Enum):
    TYPENAME = "typename"
    LEAF = "leaf"
    OBJECT = "object"
    RELATION = "relation"
    RESOLVE = "resolve"


class Fallback(Exception):  # noqa: N818 - a decision, not a failure
    """The planned answer is abandoned; graphql-core answers the request (service/plan_run.py)."""


class Unplannable(Exception):  # noqa: N818 - a decision, not a failure
    """The operation has a selection the planner does not run: graphql-core runs it whole."""


@dataclass(slots=True)
class FieldPlan:
    """One response key of one selection set: what reads it and how its value is completed."""

    response_name: str
    kind: Kind
    field_name: str
    field_def: Any
    field_details: Any  # graphql-core's FieldDetailsList, for the resolvers' Info and argument values
    attribute: str = ""
    non_null: bool = False
    # The completed type: a leaf or object type, possibly in a list (whose items may be non-null).
    is_list: bool = False
    item_non_null: bool = False
    leaf_type: Any = None
    object_type: GraphQLObjectType | None = None
    selection: SelectionPlan | None = None
    relation: Relation | None = None
    arguments: dict[str, Any] | None = None  # written as literals only: coerced once (service/direct.py)
    # A reads-only resolver called without Strawberry's wrapper (service/direct.py), or None: `field_def.resolve`.
    call: DirectCall | None = None
    # A leaf's serialisation: the scalar's or enum's own, or a shortcut for a value already of the right type.
    serialize: Callable[[Any], Any] | None = None
    # A resolver of an interface or union type (`node(id:)`): its abstract type, and the selection of each of its
    # object types by name; the value's type is resolved as graphql-core resolves it (the type's `resolve_type`).
    abstract_type: Any = None
    possible: dict[str, tuple[GraphQLObjectType, SelectionPlan]] | None = None


@dataclass(slots=True)
class SelectionPlan:
    """The selection set of one object type. `pure`: reference data only (leaves, and single relations to rows the
    worker shares, all the way down, with no owner check): its answer depends on its rows alone."""

    object_type: GraphQLObjectType
    fields: list[FieldPlan] = field(default_factory=list)
    pure: bool = False
    compiled: Any = None  # the selection's fill function (service/plan_compile.py), written on first use


@dataclass(slots=True)
class OperationPlan:
    operation: OperationDefinitionNode
    root: SelectionPlan


def strawberry_field(field_def: Any) -> Any:
    """The Strawberry field behind a graphql-core field (None for introspection's own)."""
    return (field_def.extensions or {}).get(STRAWBERRY_DEFINITION)


def is_basic_field(definition: Any, field_def: Any) -> bool:
    """Strawberry's basic field: no resolver, no extension (permission); its default resolver is getattr."""
    return bool(
        definition is not None and getattr(definition, "is_basic_field", False)
        and getattr(field_def.resolve, "_is_default", False) is True and not field_def.args
    )


def reads_only(definition: Any) -> bool:
    policy = (getattr(definition, "metadata", None) or {}).get(POLICY)
    return bool(getattr(policy, "reads_only", False))


class Planner:
    """Builds the plan of an operation for one set of variable values (only `@skip`/`@include` depend on them)."""

    def __init__(self, schema: GraphQLSchema, fragments: Any, variable_values: Any, operation: Any) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variable_values = variable_values
        self.operation = operation

    def plan(self) -> OperationPlan:
        if self.operation.operation is not OperationType.QUERY:
            raise Unplannable
        root_type = self.schema.query_type
        assert root_type is not None
        collected = collect_fields(self.schema, self.fragments, self.variable_values, root_type, self.operation)
        return OperationPlan(self.operation, self.selection(root_type, collected.grouped_field_set))

    def selection(self, object_type: GraphQLObjectType, grouped: Any) -> SelectionPlan:
        plan = SelectionPlan(object_type)
        for response_name, details_list in grouped.items():
            plan.fields.append(self.field(object_type, response_name, details_list))
        plan.pure = _checks_nothing_of_the_viewer(object_type) and all(map(_pure, plan.fields))
        return plan

    def field(self, parent: GraphQLObjectType, response_name: str, details_list: Any) -> FieldPlan:
        first = details_list[0]
        node = first.node
        name = node.name.value
        if first.defer_usage is not None or first.fragment_variable_values is not None:
            raise Unplannable
        if name == "__typename":
            return FieldPlan(response_name, Kind.TYPENAME, name, None, details_list)
        field_def = parent.fields.get(name)
        definition = strawberry_field(field_def) if field_def is not None else None
        if field_def is None or definition is None:
            raise Unplannable  # introspection (__schema, __type) and anything not Strawberry's
        plan = FieldPlan(response_name, Kind.RESOLVE, name, field_def, details_list)
        has_arguments = bool(field_def.args or node.arguments)
        self.shape(plan, field_def.type)
        relation = (getattr(definition, "metadata", None) or {}).get(RELATION)
        if is_basic_field(definition, field_def) and not node.arguments:
            plan.kind = Kind.OBJECT if plan.object_type is not None else Kind.LEAF
            plan.attribute = definition.python_name
        elif isinstance(relation, Relation) and relation.target is not None and not has_arguments:
            plan.kind, plan.relation = Kind.RELATION, relation
        elif reads_only(definition):
            plan.call, plan.arguments = direct_call(self.schema, field_def), constant_arguments(field_def, node)
        else:
            raise Unplannable
        if plan.object_type is not None:
            collected = collect_subfields(
                self.schema, self.fragments, self.variable_values, self.operation, plan.object_type, details_list
            )
            plan.selection = self.selection(plan.object_type, collected.grouped_field_set)
        elif plan.abstract_type is not None:
            if plan.kind is not Kind.RESOLVE:
                raise Unplannable  # only a resolver's value is of an abstract type here
            plan.possible = {}
            for object_type in self.schema.get_possible_types(plan.abstract_type):
                collected = collect_subfields(
                    self.schema, self.fragments, self.variable_values, self.operation, object_type, details_list
                )
                selection = self.selection(object_type, collected.grouped_field_set)
                plan.possible[object_type.name] = (object_type, selection)
        return plan

    @staticmethod
    def shape(plan: FieldPlan, output: GraphQLOutputType) -> None:
        if isinstance(output, GraphQLNonNull):
            plan.non_null, output = True, output.of_type
        if isinstance(output, GraphQLList):
            plan.is_list, output = True, output.of_type
            if isinstance(output, GraphQLNonNull):
                plan.item_non_null, output = True, output.of_type
        if isinstance(output, GraphQLScalarType | GraphQLEnumType):
            plan.leaf_type, plan.serialize = output, leaf_serializer(output)
        elif isinstance(output, GraphQLObjectType):
            plan.object_type = output
        elif isinstance(output, GraphQLInterfaceType | GraphQLUnionType):
            plan.abstract_type = output
        else:
            raise Unplannable  # lists of lists


def _checks_nothing_of_the_viewer(object_type: GraphQLObjectType) -> bool:
    """No type check, or Strawberry's own (is it an object of the type?), not an owner check (auth/permissions.py)."""
    definition = (object_type.extensions or {}).get(STRAWBERRY_DEFINITION)
    return object_type.is_type_of is None or (definition is not None and definition.is_type_of is None)


def _pure(plan: FieldPlan) -> bool:
    if plan.kind is Kind.TYPENAME:
        return True
    if plan.kind is Kind.LEAF:
        return not plan.is_list
    relation = plan.relation
    return (
        plan.kind is Kind.RELATION and relation is not None and getattr(relation.loader, "shared", False)
        and relation.part is None and not relation.many and plan.selection is not None and plan.selection.pure
    )


def directive_variables(operation: OperationDefinitionNode, fragments: Any) -> tuple[str, ...]:
    """The variables the operation's `@skip`/`@include` read (the plan depends on their values only)."""
    names: set[str] = set()
    stack: list[Any] = [operation.selection_set, *(f.definition.selection_set for f in fragments.values())]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            for directive in selection.directives or ():
                for argument in directive.arguments or ():
                    if argument.value.kind == "variable":
                        names.add(argument.value.name.value)
            stack.append(getattr(selection, "selection_set", None))
    return tuple(sorted(names))


class PlanCache:
    """Plans by operation and directive values, least recently used first out; None remembers "no plan"."""

    def __init__(self, size: int = PLAN_CACHE_SIZE) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[Any, ...], tuple[OperationPlan | None, Any]] = OrderedDict()
        self._variables: dict[int, tuple[Any, tuple[str, ...]]] = {}

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, schema: GraphQLSchema, fragments: Any, variable_values: Any, operation: Any) -> OperationPlan | None:
        known = self._variables.get(id(operation))
        if known is None or known[0] is not operation:
            known = (operation, directive_variables(operation, fragments))
            if len(self._variables) >= self.size:
                self._variables.clear()
            self._variables[id(operation)] = known
        values = variable_values.coerced if hasattr(variable_values, "coerced") else variable_values
        key = (id(operation), *(values.get(name) for name in known[1]))
        entry = self._plans.get(key)
        if entry is not None and entry[1] is operation:
            self._plans.move_to_end(key)
            return entry[0]
        try:
            plan: OperationPlan | None = Planner(schema, fragments, variable_values, operation).plan()
        except Unplannable:
            plan = None
        self._plans[key] = (plan, operation)
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)
        return plan


PLANS = PlanCache()
