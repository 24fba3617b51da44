"""A type maps its own row: `Type.from_row(row)` takes exactly the type's declared fields from the row.

Each field of the type (private ones included, fields with a resolver left out) is read from the row's column of
the same name, or of the name in the type's `columns`; an enum field gets its enum member; a Node's `id` is its
global ID made from the row's `id`. A column the type does not declare never reaches GraphQL (a `password_hash`
stays in the row). What a row does not hold is passed as a keyword (`Facility.from_row(row, distance_km=...)`).
"""

from __future__ import annotations

import binascii
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

from loaders.base import Row
from schema.ids import URL_SAFE, to_global_id

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
        convert: Convert = lambda value: None if value is None else by_value.get(value) or enum_type(value)  # noqa: E731
        _INLINE[convert] = ("enum", (by_value, enum_type))
        return convert
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
# The conversions a maker writes inline, by the function `_converter` or `_global_id` made: what each does.
_INLINE: dict[Convert, tuple[str, Any]] = {}
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
    """`from_row` of a plain type written out: each column read by name, an enum's member and a Node's global ID
    made inline (what `_converter` and `_global_id` do, without a call per value), any other conversion called."""
    names: dict[str, Any] = {"new": object.__new__, "cls": cls, "b2a": binascii.b2a_base64, "URL_SAFE": URL_SAFE}
    lines = ["def make(row):", "    made = new(cls)"]
    items = []
    for index, (name, column, convert) in enumerate(plan):
        read = f"row[{column!r}]"
        inline = _INLINE.get(convert) if convert is not None else None
        if inline is not None and inline[0] == "enum":
            names[f"members_{index}"], names[f"enum_{index}"] = inline[1]
            lines += [f"    v{index} = {read}",
                      f"    if v{index} is not None:",
                      f"        v{index} = members_{index}.get(v{index}) or enum_{index}(v{index})"]
            read = f"v{index}"
        elif inline is not None:  # a global ID: to_global_id's work
            names[f"prefix_{index}"] = f"{inline[1]}:"
            read = (f"b2a((prefix_{index} + str({read})).encode(), newline=False)"
                    ".translate(URL_SAFE).rstrip(b'=').decode()")
        elif convert is not None:
            names[f"convert_{index}"] = convert
            read = f"convert_{index}({read})"
        items.append(f"{name!r}: {read}")
    lines += [f"    made.__dict__.update({{{', '.join(items)}}})", "    return made", ""]
    source = "\n".join(lines)
    exec(compile(source, f"<from_row {cls.__name__}>", "exec"), names)  # noqa: S102 - written from the type's fields
    made: Callable[[Row], Any] = names.pop("make")  # out of its own globals: no reference cycle
    return made


def _global_id(cls: type[Mapped]) -> Convert:
    type_name: str = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
    convert: Convert = lambda pk: to_global_id(type_name, pk)  # noqa: E731
    _INLINE[convert] = ("global_id", type_name)
    return convert
