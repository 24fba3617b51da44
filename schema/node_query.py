"""The Relay root field `node(id:)`."""

from __future__ import annotations

import strawberry

from resolvers import nodes as resolvers
from schema.node import Node


@strawberry.type
class NodeQuery:
    node: Node | None = strawberry.field(
        resolver=resolvers.resolve_node,
        description="Any object by its global ID. Another person's object answers null, exactly like a missing one.",
    )
