"""Relay's Node interface and opaque global IDs ("Type:pk", base64url-encoded).

A type that can be fetched again by `node(id:)` implements Node and names its by-id loader in `node_loader`;
`node(id:)` finds the type in the built schema and asks that loader, so a personal type is fetched with the
same scoping as on every other path. A Node type without a loader answers INVALID_ID.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, ClassVar

import strawberry

from core.errors import ApiError, ErrorCode
from loaders.base import BaseLoader


@strawberry.interface(description="An object with a global, opaque ID that `node(id:)` can fetch again.")
class Node:
    id: strawberry.ID
    node_loader: ClassVar[type[BaseLoader] | None] = None

    @classmethod
    def from_row(cls, row: Any) -> Any:
        raise NotImplementedError


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("="))


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key); INVALID_ID for anything this API did not issue."""
    try:
        raw = base64.urlsafe_b64decode((global_id + "=" * (-len(global_id) % 4)).encode("ascii")).decode()
        type_name, _, pk = raw.partition(":")
        if not type_name.isidentifier() or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
            raise ValueError
        return type_name, int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        raise not_an_id() from None


def not_an_id() -> ApiError:
    return ApiError(ErrorCode.INVALID_ID, "this is not an ID this API gave out", field="id")
