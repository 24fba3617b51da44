"""Free text and codes from clients, checked once before they reach SQL; INVALID_INPUT names the field at fault."""

from __future__ import annotations

import re

from core.errors import ApiError, ErrorCode
from core.text_ids import TextId
from core.texts import text

# PostgreSQL text cannot hold the NUL character: refuse it as input rather than let the driver fail.
NUL = "\x00"
# A person's full name as compared by the look-ups.
MAX_NAME_LENGTH = 200
MAX_SEARCH_LENGTH = 200
PROVINCE_CODE = re.compile(r"^[0-9]{2}$")
WARD_CODE = re.compile(r"^[0-9]{5}$")
FACILITY_CODE = re.compile(r"^[0-9]{2}[0-9A-Z]{3}$")


def collapsed_text(value: str, field: str, *, max_length: int, min_length: int = 0) -> str:
    """`value` with its runs of white space collapsed to one space and trimmed; INVALID_INPUT for a NUL
    character or a length outside [min_length, max_length] (an absurdly long value is refused before the
    split, so its cost stays bounded)."""
    if NUL in value:
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.TEXT_HAS_NUL, field=field), field=field)
    if len(value) <= max_length * 4:
        value = " ".join(value.split())
    if not min_length <= len(value) <= max_length:
        raise ApiError(
            ErrorCode.INVALID_INPUT, text(TextId.TEXT_LENGTH, field=field, minimum=min_length, maximum=max_length),
            field=field,
        )
    return value


def clean_search(value: str | None, field: str) -> str | None:
    """Free text with its spaces collapsed; None when blank; INVALID_INPUT when too long or holding a NUL."""
    if value is None:
        return None
    return collapsed_text(value, field, max_length=MAX_SEARCH_LENGTH) or None


def checked_code(value: str | None, pattern: re.Pattern[str], field: str) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if not pattern.match(value):
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.CODE_SHAPE, field=field), field=field)
    return value
