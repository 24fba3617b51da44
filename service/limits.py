"""Abuse limits measured on a parsed document, before validation and execution.

`measure` walks each operation of a document once: named fragments are summarised once per operation (so neither a
fragment "bomb" nor a fragment cycle makes the walk blow up; validation reports cycles), and the result is cached
with the document.
The values let every client contract document through with room to spare (tests/service/test_limits.py) and
stop crafted ones; docs/security.md gives each value and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)

from core.errors import ErrorCode
from core.policy import LIST_PAGES
from core.text_ids import TextId
from core.texts import text
from service.policy import SchemaPolicy

# Characters of document text, and lexical tokens in it (the parser stops at the limit).
MAX_QUERY_LENGTH = 10_000
MAX_TOKENS = 1_000
MAX_DEPTH = 10
# Below `__schema`/`__type`: GraphiQL's introspection query nests type references about 15 deep.
MAX_INTROSPECTION_DEPTH = 20
MAX_ALIASES = 15
MAX_DIRECTIVES = 10
MAX_COST = 50_000
MAX_CREDENTIAL_FIELDS = 1
# A mutation root field is worth this many plain fields: it writes, and most of them hash a password or send an SMS.
MUTATION_FIELD_COST = 50

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True)
class Summary:
    """What a selection set adds up to: nesting below it, cost, and credential root fields in it."""

    depth: int = 0
    cost: int = 0
    credential_fields: int = 0
    introspection: bool = False
    introspection_depth: int = 0
    root_fields: frozenset[str] = frozenset()
    # Fields selected at this level, counting each alias and each fragment expansion.
    field_count: int = 0


@dataclass(frozen=True, slots=True)
class OperationShape:
    name: str | None
    kind: OperationType
    depth: int
    cost: int
    credential_fields: int
    introspection: bool
    introspection_depth: int
    root_fields: frozenset[str]


@dataclass(frozen=True, slots=True)
class DocumentShape:
    aliases: int
    directives: int
    operations: tuple[OperationShape, ...]
    # Variables a `first` argument takes: a request that gives them values is priced again with those values.
    page_variables: frozenset[str] = frozenset()

    def operation(self, name: str | None) -> OperationShape | None:
        """The operation a request runs: the named one, or the only one."""
        if name is None:
            return self.operations[0] if len(self.operations) == 1 else None
        return next((op for op in self.operations if op.name == name), None)


_GIVE_UP_NESTING = 4 * MAX_DEPTH


class _TooDeepError(Exception):
    """Fields or fragment spreads nested far beyond MAX_DEPTH."""


class _Counter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.aliases = 0
        self.directives = 0
        self.page_variables: set[str] = set()

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        if node.name.value == "first" and isinstance(node.value, VariableNode):
            self.page_variables.add(node.value.name.value)

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.alias is not None:
            self.aliases += 1

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        self.directives += 1


@dataclass(slots=True)
class _Walker:
    policy: SchemaPolicy
    fragments: dict[str, FragmentDefinitionNode]
    done: dict[str, Summary] = field(default_factory=dict)
    active: set[str] = field(default_factory=set)
    nesting: int = 0

    def selection_set(self, selection_set: SelectionSetNode | None, defaults: Mapping[str, int]) -> Summary:
        if selection_set is None:
            return Summary()
        parts: list[Summary] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                parts.append(self.field(selection, defaults))
            elif isinstance(selection, InlineFragmentNode):
                parts.append(self.selection_set(selection.selection_set, defaults))
            elif isinstance(selection, FragmentSpreadNode):
                parts.append(self.fragment(selection.name.value, defaults))
        return _combine(parts)

    def field(self, node: FieldNode, defaults: Mapping[str, int]) -> Summary:
        name = node.name.value
        below = self._nested(node.selection_set, defaults)
        if name in self.policy.page_ceilings:
            size = self.page_size(node, defaults)
        else:
            size = self.policy.list_sizes.get(name, 1)
        depth = 1 + below.depth
        introspection = name in INTROSPECTION_FIELDS
        return Summary(
            depth=1 if introspection else depth,
            cost=1 + size * below.cost,
            credential_fields=1 if self.policy.checks_credentials(name) else 0,
            introspection=introspection or below.introspection,
            introspection_depth=depth if introspection else below.introspection_depth,
            root_fields=frozenset({name}),
            field_count=1,
        )

    def fragment(self, name: str, defaults: Mapping[str, int]) -> Summary:
        # A cycle or an unknown fragment adds nothing here; validation refuses both.
        if name in self.active or name not in self.fragments:
            return Summary()
        if name not in self.done:
            self.active.add(name)
            self.done[name] = self._nested(self.fragments[name].selection_set, defaults)
            self.active.discard(name)
        return self.done[name]

    def _nested(self, selection_set: SelectionSetNode | None, defaults: Mapping[str, int]) -> Summary:
        # Far past MAX_DEPTH the answer is known; stopping keeps the walk's recursion bounded.
        self.nesting += 1
        if self.nesting > _GIVE_UP_NESTING:
            raise _TooDeepError
        try:
            return self.selection_set(selection_set, defaults)
        finally:
            self.nesting -= 1

    def page_size(self, node: FieldNode, defaults: Mapping[str, int]) -> int:
        ceiling = self.policy.page_ceilings[node.name.value]
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        if argument is None:
            return LIST_PAGES.default
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(0, min(int(value.value), ceiling))
        if isinstance(value, VariableNode):
            return min(defaults.get(value.name.value, ceiling), ceiling)
        return ceiling


def _combine(parts: Iterable[Summary]) -> Summary:
    parts = list(parts)
    return Summary(
        depth=max((p.depth for p in parts), default=0),
        cost=sum(p.cost for p in parts),
        credential_fields=sum(p.credential_fields for p in parts),
        introspection=any(p.introspection for p in parts),
        introspection_depth=max((p.introspection_depth for p in parts), default=0),
        root_fields=frozenset().union(*(p.root_fields for p in parts)),
        field_count=sum(p.field_count for p in parts),
    )


def _variable_defaults(operation: OperationDefinitionNode) -> dict[str, int]:
    return {
        v.variable.name.value: int(v.default_value.value)
        for v in operation.variable_definitions or ()
        if isinstance(v.default_value, IntValueNode)
    }


def measure(
    document: DocumentNode, policy: SchemaPolicy, variables: Mapping[str, int] | None = None
) -> DocumentShape:
    """Count what the limits bound, per operation: each operation summarises the fragments it uses once, with its own
    page-size defaults (a variable's default is per operation, so fragment summaries are not shared between them).
    With `variables` (a request's page-size values), those values price the pages instead of the defaults."""
    counter = _Counter()
    visit(document, counter)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        # Page sizes given as variable defaults differ per operation, so fragment summaries are too.
        try:
            summary = _Walker(policy, fragments).selection_set(
                definition.selection_set, {**_variable_defaults(definition), **(variables or {})}
            )
        except _TooDeepError:
            summary = Summary(depth=_GIVE_UP_NESTING + 1)
        is_mutation = definition.operation is OperationType.MUTATION
        mutation_extra = (MUTATION_FIELD_COST - 1) * summary.field_count if is_mutation else 0
        operations.append(OperationShape(
            name=definition.name.value if definition.name else None,
            kind=definition.operation,
            depth=summary.depth,
            cost=summary.cost + mutation_extra,
            credential_fields=summary.credential_fields,
            introspection=summary.introspection,
            introspection_depth=summary.introspection_depth,
            root_fields=summary.root_fields,
        ))
    return DocumentShape(
        aliases=counter.aliases,
        directives=counter.directives,
        operations=tuple(operations),
        page_variables=frozenset(counter.page_variables),
    )


class LimitError(GraphQLError):
    """QUERY_LIMIT_EXCEEDED. Kept with the prepared document (shared by requests in any language): `again()` gives
    the same error in the language of the request being served."""

    def __init__(self, limit: str, maximum: int, actual: int | None = None) -> None:
        detail = f" ({actual})" if actual is not None else ""
        super().__init__(
            text(TextId.DOCUMENT_LIMIT, limit=limit, maximum=maximum, detail=detail).render(),
            extensions={"code": ErrorCode.QUERY_LIMIT_EXCEEDED.value, "limit": limit, "maximum": maximum},
        )
        self.limit, self.maximum, self.actual = limit, maximum, actual

    def again(self) -> LimitError:
        return LimitError(self.limit, self.maximum, self.actual)


def limit_error(limit: str, maximum: int, actual: int | None = None) -> LimitError:
    return LimitError(limit, maximum, actual)


def check(shape: DocumentShape) -> list[GraphQLError]:
    """Every limit the document breaks; empty when it may run."""
    errors: list[GraphQLError] = []
    if shape.aliases > MAX_ALIASES:
        errors.append(limit_error("aliases", MAX_ALIASES, shape.aliases))
    if shape.directives > MAX_DIRECTIVES:
        errors.append(limit_error("directives", MAX_DIRECTIVES, shape.directives))
    for op in shape.operations:
        if op.depth > MAX_DEPTH:
            errors.append(limit_error("depth", MAX_DEPTH, op.depth if op.depth <= _GIVE_UP_NESTING else None))
        if op.introspection_depth > MAX_INTROSPECTION_DEPTH:
            errors.append(limit_error("introspectionDepth", MAX_INTROSPECTION_DEPTH, op.introspection_depth))
        if op.cost > MAX_COST:
            errors.append(limit_error("cost", MAX_COST, op.cost))
        if op.credential_fields > MAX_CREDENTIAL_FIELDS:
            errors.append(limit_error("credentialFields", MAX_CREDENTIAL_FIELDS, op.credential_fields))
    return errors
