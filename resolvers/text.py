"""Free text from clients, checked once before it reaches SQL."""

from __future__ import annotations

from schema.errors import ApiError, ErrorCode

# PostgreSQL text cannot hold the NUL character: refuse it as input rather than let the driver fail.
NUL = "\x00"
# A person's full name as compared by the look-ups.
MAX_NAME_LENGTH = 200


def collapsed_text(value: str, field: str, *, max_length: int, min_length: int = 0) -> str:
    """`value` with its runs of white space collapsed to one space and trimmed; INVALID_INPUT for a NUL
    character or a length outside [min_length, max_length] (an absurdly long value is refused before the
    split, so its cost stays bounded)."""
    if NUL in value:
        raise ApiError(ErrorCode.INVALID_INPUT, f"{field} cannot contain a NUL character", field=field)
    if len(value) <= max_length * 4:
        value = " ".join(value.split())
    if not min_length <= len(value) <= max_length:
        raise ApiError(
            ErrorCode.INVALID_INPUT, f"{field} is {min_length} to {max_length} characters", field=field
        )
    return value
