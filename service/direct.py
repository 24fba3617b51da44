"""Calling a planned reads-only resolver directly, as Strawberry's wrapper would call it.

For each resolver call graphql-core hands Strawberry, Strawberry makes its `Info`, converts the arguments to their
Python values, runs the field's extensions (the permission check) and calls the function with `self`, `info` and
the arguments under their Python names. For a field whose arguments are all `Int`, `String` or `Boolean` (their
Python value is graphql-core's: nothing to convert) and whose only extension is a permission check, the plan does
the same in one call (`DirectCall`), decided once per schema field. A permission that refuses, or answers
asynchronously, is not decided here: the plan is abandoned and graphql-core runs the operation, so the refusal's
error is Strawberry's own. Any other field keeps Strawberry's wrapper (`field_def.resolve`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLResolveInfo,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
)
from graphql.execution.values import get_argument_values
from strawberry.permission import PermissionExtension
from strawberry.types.base import StrawberryOptional

from service.policy import DEFINITION as STRAWBERRY_DEFINITION

PLAIN_ARGUMENTS = (int, str, bool)


class PermissionUndecided(Exception):  # noqa: N818 - a decision, not a failure
    """A permission check did not answer True at once: the plan's run is abandoned (service/plan_run.py)."""


@dataclass(frozen=True, slots=True)
class DirectCall:
    """One resolver's call: its function, the Python name of each GraphQL argument, its permission checks."""

    function: Any
    definition: Any
    info_class: Any
    passes_self: bool
    info_name: str | None
    source_names: tuple[str, ...]  # `root` / `parent` parameters
    names: tuple[tuple[str, str], ...]
    permissions: tuple[Any, ...]

    def __call__(self, source: Any, raw_info: GraphQLResolveInfo[Any], arguments: dict[str, Any]) -> Any:
        info = self.info_class(_raw_info=raw_info, _field=self.definition)
        kwargs = {python: arguments[name] for name, python in self.names if name in arguments}
        for permission in self.permissions:
            # Strawberry passes the converted arguments: the same values here.
            allowed = permission.has_permission(source, info, **kwargs)
            if allowed is not True:
                close = getattr(allowed, "close", None)  # an asynchronous check is left to graphql-core whole
                if close is not None:
                    close()
                raise PermissionUndecided  # refused, or to be awaited: graphql-core words the refusal
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None:
            kwargs[self.info_name] = info
        return self.function(source, **kwargs) if self.passes_self else self.function(**kwargs)


def direct_call(schema: GraphQLSchema, field_def: GraphQLField) -> DirectCall | None:
    """The direct call of a field's resolver, or None where Strawberry's wrapper must run (module docstring)."""
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    definition = (field_def.extensions or {}).get(STRAWBERRY_DEFINITION)
    resolver = getattr(definition, "base_resolver", None)
    if strawberry_schema is None or resolver is None or strawberry_schema.schema_converter.exception_handlers:
        return None
    assert definition is not None
    permissions: tuple[Any, ...] = ()
    for extension in definition.extensions:
        if type(extension) is not PermissionExtension:
            return None
        permissions += tuple(extension.permissions)
    names = []
    for name, argument in field_def.args.items():
        strawberry_argument = (argument.extensions or {}).get(STRAWBERRY_DEFINITION)
        kind = getattr(strawberry_argument, "type", None)
        if isinstance(kind, StrawberryOptional):
            kind = kind.of_type
        if strawberry_argument is None or kind not in PLAIN_ARGUMENTS:
            return None
        names.append((name, strawberry_argument.python_name))
    info = resolver.info_parameter
    sources = tuple(p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p is not None)
    return DirectCall(
        function=resolver.wrapped_func, definition=definition, info_class=strawberry_schema.config.info_class,
        passes_self=resolver.self_parameter is not None, info_name=info.name if info is not None else None,
        source_names=sources, names=tuple(names), permissions=permissions,
    )


def constant_arguments(field_def: GraphQLField, node: FieldNode) -> dict[str, Any] | None:
    """The field's argument values when the document writes every one as a literal (or leaves it to its default):
    the same for every request of the plan, so coerced once, when the plan is made. None when a variable is among
    them, a literal does not coerce (the request's own coercion then words the error), or a value is not a scalar
    (a resolver could change a list or an input object it was handed)."""
    if any(_has_variable(argument.value) for argument in node.arguments or ()):
        return None
    try:
        values = get_argument_values(field_def, node)
    except GraphQLError:
        return None
    if all(value is None or isinstance(value, int | float | str | enum.Enum) for value in values.values()):
        return values
    return None


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(item.value) for item in value.fields)
    return False
