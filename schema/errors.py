"""The error shapes of the schema: typed payload errors for expected mutation failures, and the code enum."""

from __future__ import annotations

import strawberry

from core.errors import MEANINGS, ErrorCode

# The one vocabulary of core/errors.py, as the GraphQL enum `ErrorCode` (each value described by its meaning).
strawberry.enum(ErrorCode, description=ErrorCode.__doc__)
for _value in ErrorCode.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = MEANINGS[ErrorCode(_value.value)].when


@strawberry.type(description="An expected failure of a mutation, returned as data.")
class UserError:
    code: ErrorCode
    message: str = strawberry.field(description="For people: Vietnamese, or English on Accept-Language: en.")
    field: str | None = strawberry.field(default=None, description="The argument or input field at fault, if one is.")
