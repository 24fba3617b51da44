"""A plan's leaves: how a scalar or enum value is serialised, with the common cases answered without a call."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from graphql import GraphQLBoolean, GraphQLEnumType, GraphQLID, GraphQLInt, GraphQLScalarType, GraphQLString

MAX_INT, MIN_INT = 2**31 - 1, -(2**31)


def leaf_serializer(leaf_type: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    """`leaf_type.serialize`, with the common case (a str for String or ID, an int for Int, a bool for Boolean:
    what graphql-core returns unchanged) answered without the call."""
    serialize = leaf_type.serialize
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return lambda value: value if type(value) is str else serialize(value)
    if leaf_type is GraphQLInt:
        return lambda value: value if type(value) is int and MIN_INT <= value <= MAX_INT else serialize(value)
    if leaf_type is GraphQLBoolean:
        return lambda value: value if type(value) is bool else serialize(value)
    named = enum_names(leaf_type)
    if named is not None:
        members, names = named
        return lambda value: names[value] if type(value) is members else serialize(value)
    return serialize


def enum_names(leaf_type: GraphQLScalarType | GraphQLEnumType) -> tuple[type[enum.Enum], dict[Any, Any]] | None:
    """For Strawberry's enum type, its Python enum and each member's GraphQL name (the type's serialiser finds a
    member's name by a scan); None for any other leaf type."""
    members = getattr(leaf_type, "wrapped_cls", None)
    if isinstance(leaf_type, GraphQLEnumType) and isinstance(members, type) and issubclass(members, enum.Enum):
        return members, {member: leaf_type.serialize(member) for member in members}
    return None
