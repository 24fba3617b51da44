"""Relay's Node interface.

A type that can be fetched again by `node(id:)` implements Node and names its by-id loader in `node_loader`;
`node(id:)` finds the type in the built schema and asks that loader, so a personal type is fetched with the
same scoping as on every other path. A Node type without a loader answers INVALID_ID.
"""

from __future__ import annotations

from typing import ClassVar

import strawberry

from loaders.base import BaseLoader
from schema.rows import Mapped


@strawberry.interface(description="An object with a global, opaque ID that `node(id:)` can fetch again.")
class Node(Mapped):
    id: strawberry.ID
    # The row's primary key, from which `id` is made.
    pk: strawberry.Private[int]
    node_loader: ClassVar[type[BaseLoader] | None] = None
