"""Scalars beyond GraphQL's own: Month (YYYY-MM) and Money (exact VND as a decimal string); DateTime in Vietnam time.

`Date` is Strawberry's built-in. `DateTime` is ISO 8601 with its offset, and answered in Vietnam time (+07:00), as
people read it: the instant is the one stored (in UTC), only its written form is local. Any offset is accepted in.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NewType
from zoneinfo import ZoneInfo

import orjson
import strawberry
from graphql import StringValueNode, Undefined, UndefinedType, ValueNode
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
_MONEY = re.compile(r"^-?[0-9]{1,18}$")


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


# Vietnam has kept +07:00 all year since 13 June 1975: a fixed offset writes later instants as the zone does, faster.
FIXED_SINCE = dt.datetime(1975, 6, 13, tzinfo=dt.UTC)
PLUS_SEVEN = dt.timezone(dt.timedelta(hours=7))


SEVEN_HOURS = dt.timedelta(hours=7)


def _serialize_datetime(value: dt.datetime) -> str:
    if value.tzinfo is dt.UTC and value >= FIXED_SINCE:
        # What the database gives (asyncpg and db/json_rows.py read instants in UTC): moved seven hours on by hand
        # and written by orjson as UTC, its "+00:00" replaced, in two thirds of the time of the conversion below.
        return orjson.dumps(value + SEVEN_HOURS)[1:-7].decode() + "+07:00"
    if value.tzinfo is not None and value >= FIXED_SINCE:
        # orjson writes an aware datetime as isoformat() does (microseconds only when there are some), in half
        # the time: a MedicalHistory page writes forty of them (tests/schema/test_scalars.py compares the two).
        return orjson.dumps(value.astimezone(PLUS_SEVEN))[1:-1].decode()
    return value.astimezone(VIETNAM).isoformat()


def _serialize_month(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _parse_month(value: object) -> dt.date:
    match = _MONTH.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError("a Month is written YYYY-MM, e.g. 2025-07")
    return dt.date(int(match[1]), int(match[2]), 1)


def _serialize_money(value: Decimal | int) -> str:
    return str(int(value))


def _parse_money(value: object) -> Decimal:
    if isinstance(value, str) and _MONEY.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    raise ValueError('Money is a whole number of đồng written as a string, e.g. "1500000"')


def _parse_money_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Decimal | UndefinedType:
    """A Money written in the document itself. A literal it refuses answers Undefined rather than raising: graphql-core
    then reports the client's mistake as a validation error, where an exception would be kept as the error's cause and
    read as an unexpected one (INTERNAL_ERROR)."""
    if isinstance(node, StringValueNode) and _MONEY.match(node.value):
        return Decimal(node.value)
    return Undefined


Month = NewType("Month", dt.date)
Money = NewType("Money", Decimal)

# Strawberry's recommended form: plain NewTypes in annotations, their GraphQL definitions in the schema's scalar_map.
SCALAR_MAP: dict[object, ScalarDefinition] = {
    dt.datetime: strawberry.scalar(
        name="DateTime",
        description="Date with time (ISO 8601, with its offset); answered in Vietnam time, +07:00.",
        serialize=_serialize_datetime,
        # Read as Strawberry reads its own DateTime: any offset, a clean coercion error for anything else.
        parse_value=DateTimeDefinition.parse_value,
    ),
    Month: strawberry.scalar(
        name="Month",
        description="A calendar month, YYYY-MM.",
        serialize=_serialize_month,
        parse_value=_parse_month,
    ),
    Money: strawberry.scalar(
        name="Money",
        description=(
            "An exact amount of Vietnamese đồng (VND has no minor unit), as a decimal string: "
            "a 32-bit Int cannot carry it."
        ),
        serialize=_serialize_money,
        parse_value=_parse_money,
        parse_literal=_parse_money_literal,
    ),
}
