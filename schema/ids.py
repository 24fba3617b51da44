"""Opaque global IDs: "Type:pk", base64url-encoded without padding."""

from __future__ import annotations

import base64
import binascii

import strawberry

from core.errors import ApiError, ErrorCode
from core.text_ids import TextId
from core.texts import text

URL_SAFE = bytes.maketrans(b"+/", b"-_")
# Every primary key is a bigint: a key past it was never issued (and would overflow the statement's parameter).
MAX_KEY = 2**63 - 1


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    # base64.urlsafe_b64encode's work in two C calls (every row of a page makes one).
    encoded = binascii.b2a_base64(f"{type_name}:{pk}".encode(), newline=False).translate(URL_SAFE)
    return strawberry.ID(encoded.rstrip(b"=").decode())


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key); INVALID_ID for anything this API did not issue."""
    try:
        raw = base64.urlsafe_b64decode((global_id + "=" * (-len(global_id) % 4)).encode("ascii")).decode()
        type_name, _, pk = raw.partition(":")
        if not type_name.isidentifier() or not (pk.isascii() and pk.isdigit()) or len(pk) > 19:
            raise ValueError
        key = int(pk)
        if key > MAX_KEY:
            raise ValueError
        return type_name, key
    except (ValueError, UnicodeError, binascii.Error):
        raise not_an_id() from None


def not_an_id() -> ApiError:
    return ApiError(ErrorCode.INVALID_ID, text(TextId.INVALID_ID), field="id")
