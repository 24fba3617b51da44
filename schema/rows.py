"""A type maps its own row: `Type.from_row(row)` takes exactly the type's declared fields from the row.

Each field of the type (private ones included, fields with a resolver left out) is read from the row's column of
the same name, or of the name in the type's `columns`; an enum field gets its enum member; a Node's `id` is its
global ID made from the row's `id`. A column the type does not declare never reaches GraphQL (a `password_hash`
stays in the row). What a row does not hold is passed as a keyword (`Facility.from_row(row, distance_km=...)`).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

from loaders.base import Row
from schema.ids import to_global_id

Convert = Callable[[Any], Any]
# Per field: its name, its column, and how the column's value becomes the field's (None: as it is).
Plan = tuple[tuple[str, str, Convert | None], ...]


def _converter(hint: Any) -> Convert | None:
    """The enum member for an enum field (None stays None); nothing to convert for everything else."""
    members = [a for a in typing.get_args(hint) if a is not type(None)] if _is_union(hint) else [hint]
    if len(members) == 1 and isinstance(members[0], type) and issubclass(members[0], enum.Enum):
        enum_type = members[0]
        # Its members by value (filled when the enum is defined): the lookup `enum_type(value)` makes, without its
        # metaclass call; a value not there still goes to `enum_type(value)` and is refused the same way.
        by_value = enum_type._value2member_map_
        return lambda value: None if value is None else by_value.get(value) or enum_type(value)
    return None


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


class Mapped:
    """Base of the types that map a database row."""

    # Field -> column, where the column's name differs from the field's.
    columns: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def from_row(cls, row: Row, **given: Any) -> Self:
        if not given and (make := _MAKERS.get(cls)) is not None:
            made: Self = make(row)
            return made
        plan = _PLANS.get(cls) or _PLANS.setdefault(cls, _plan(cls))
        if given:
            values = {n: row[c] if f is None else f(row[c]) for n, c, f in plan if n not in given}
            return cls(**values, **given)
        values = {n: row[c] if f is None else f(row[c]) for n, c, f in plan}
        if cls in _PLAIN:
            # Every field is in `values` and the dataclass's __init__ would only assign them: set them at once.
            made = object.__new__(cls)
            made.__dict__.update(values)
            return made
        return cls(**values)


# The plain types' from_row written out as Python per type (made with its plan): the same reads and conversions
# as the loop above, without the loop (a page of visits makes twenty; tests/schema/test_rows.py compares them).
_MAKERS: dict[type[Mapped], Callable[[Row], Any]] = {}


_PLANS: dict[type[Mapped], Plan] = {}
# The types whose dataclass __init__ only assigns its arguments (no __post_init__, no default factory it runs).
_PLAIN: set[type[Mapped]] = set()


def _plan(cls: type[Mapped]) -> Plan:
    hints = typing.get_type_hints(cls)
    plan: list[tuple[str, str, Convert | None]] = []
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not field.init:
            continue  # a field with a resolver
        # A Node's private `pk` is its row's `id`.
        column = cls.columns.get(field.name, "id" if field.name == "pk" else field.name)
        if field.name == "id" and "id" not in cls.columns:
            plan.append(("id", "id", _global_id(cls)))
        else:
            plan.append((field.name, column, _converter(hints[field.name])))
    # A field outside __init__ (a resolver's) is left to the class unless it has a default factory.
    made_by_init = any(
        not f.init and f.default_factory is not dataclasses.MISSING
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    )
    if not made_by_init and not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__"):
        _PLAIN.add(cls)
        _MAKERS[cls] = _maker(cls, plan)
    return tuple(plan)


def _maker(cls: type[Mapped], plan: list[tuple[str, str, Convert | None]]) -> Callable[[Row], Any]:
    names: dict[str, Any] = {"new": object.__new__, "cls": cls}
    items = []
    for index, (name, column, convert) in enumerate(plan):
        read = f"row[{column!r}]"
        if convert is not None:
            names[f"convert_{index}"] = convert
            read = f"convert_{index}({read})"
        items.append(f"{name!r}: {read}")
    source = f"def make(row):\n    made = new(cls)\n    made.__dict__.update({{{', '.join(items)}}})\n    return made\n"
    exec(compile(source, f"<from_row {cls.__name__}>", "exec"), names)  # noqa: S102 - written from the type's fields
    made: Callable[[Row], Any] = names["make"]
    return made


def _global_id(cls: type[Mapped]) -> Convert:
    type_name: str = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
    return lambda pk: to_global_id(type_name, pk)
