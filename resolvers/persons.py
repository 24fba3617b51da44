"""`me`: the signed-in person, and `node(id:)`: any object by its global ID, through the same loaders (and so the
same scoping) as every other path."""

from __future__ import annotations

import strawberry

from auth.permissions import IsSignedIn
from core.policy import READS_ONLY, FieldPolicy
from loaders.context import Info
from loaders.personal import PersonByIdLoader
from schema.ids import from_global_id, not_an_id
from schema.node import Node
from schema.person import Person

# Reads only: it spends the directory's budget once per operation, before it runs (service/ratelimit.py).
NODE = FieldPolicy(rate_limit="directory", reads_only=True)


@strawberry.type
class PersonQuery:
    @strawberry.field(
        permission_classes=[IsSignedIn], description="The signed-in person.", metadata=READS_ONLY.metadata()
    )
    async def me(self, info: Info) -> Person | None:
        person_id = info.context.viewer.person_id
        if person_id is None:
            return None
        row = await info.context.loaders.get(PersonByIdLoader).load(person_id)
        return None if row is None else Person.from_row(row)

    @strawberry.field(
        description="Any object by its global ID. Another person's object answers null, exactly like a missing one.",
        # It reaches the directory's objects too: it spends the directory's budget, or it would be a way around it.
        metadata=NODE.metadata(),
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, pk = from_global_id(id)
        # The type is looked up in the built schema: every Node type that names its loader can be fetched.
        definition = info.schema.get_type_by_name(type_name)
        origin = getattr(definition, "origin", None)
        if not (isinstance(origin, type) and issubclass(origin, Node)) or origin.node_loader is None:
            raise not_an_id()
        # Personal loaders answer None for another person's row: a foreign ID reads exactly like a missing one.
        row = await info.context.loaders.get(origin.node_loader).load(pk)
        node: Node | None = None if row is None else origin.from_row(row)
        return node
