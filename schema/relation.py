"""Relation fields: the object (or list) a loader finds by one attribute of the parent, declared on the field.

    paying_agency: Facility | None = relation(FacilityByIdLoader, "paying_agency_id", Facility.from_row)

The field's resolver asks the request's loader and maps the row with the target type's `from_row`; the loader and
key stay readable in the field's metadata (core.policy.Relation), for whoever plans a request from the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from core.policy import RELATION, FieldPolicy, Relation
from loaders.base import BaseLoader, Row
from loaders.context import Info


def relation(
    loader: type[BaseLoader],
    key: str,
    target: Callable[[Row], Any],
    *,
    description: str | None = None,
) -> Any:
    """One object, or None when the key attribute is None or the loader finds nothing."""

    async def resolve(root: Any, info: Info) -> Any:
        value = getattr(root, key)
        if value is None:
            return None
        row = await info.context.loaders.get(loader).load(value)
        return None if row is None else target(row)

    return strawberry.field(resolver=resolve, description=description, metadata={RELATION: Relation(loader, key)})


def relation_list(
    loader: type[BaseLoader],
    key: str,
    target: Callable[[Row], Any],
    *,
    description: str | None = None,
    policy: FieldPolicy | None = None,
) -> Any:
    """The list a `many` loader finds by the key attribute, each row mapped by `target`."""

    async def resolve(root: Any, info: Info) -> list[Any]:
        rows = await info.context.loaders.get(loader).load(getattr(root, key))
        return [target(row) for row in rows]

    metadata: dict[str, Any] = {RELATION: Relation(loader, key, many=True), **(policy.metadata() if policy else {})}
    return strawberry.field(resolver=resolve, description=description, metadata=metadata)
