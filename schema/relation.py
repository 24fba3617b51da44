"""Relation fields: the object (or list) a loader finds by one attribute of the parent, declared on the field (or
an object made from the parent and all the loader finds: `relation_of_parent`).

    paying_agency: Facility | None = relation(FacilityByIdLoader, "paying_agency_id", Facility.from_row)

The field's resolver asks the request's loader and maps the row with the target type's `from_row`; the loader and
key stay readable in the field's metadata (core.policy.Relation), for whoever plans a request from the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from auth.permissions import reader_check
from core.policy import RELATION, FieldPolicy, Relation
from loaders.base import BaseLoader, Row
from loaders.context import Info


async def check_part(root: Any, info: Info, part: str | None) -> None:
    """A personal parent's relation to one part of its person's data (`part`): FORBIDDEN to a viewer who may read
    the parent but not that part, and a guardian's or grantee's read logged (auth.permissions.reader_check)."""
    if part is not None:
        recorded = reader_check(info, root.person_id, part)
        if recorded is not None:
            await recorded


def relation(
    loader: type[BaseLoader],
    key: str,
    target: Callable[[Row], Any],
    *,
    description: str | None = None,
    part: str | None = None,
) -> Any:
    """One object, or None when the key attribute is None or the loader finds nothing. `part`: the parent is
    personal and the target is that part of its person's data (check_part)."""

    async def resolve(root: Any, info: Info) -> Any:
        await check_part(root, info, part)
        value = getattr(root, key)
        if value is None:
            return None
        row = await info.context.loaders.get(loader).load(value)
        return None if row is None else target(row)

    return strawberry.field(
        resolver=resolve, description=description, metadata={RELATION: Relation(loader, key, target=target, part=part)},
    )


def relation_list(
    loader: type[BaseLoader],
    key: str,
    target: Callable[[Row], Any],
    *,
    description: str | None = None,
    policy: FieldPolicy | None = None,
    part: str | None = None,
) -> Any:
    """The list a `many` loader finds by the key attribute, each row mapped by `target` (`part`: see relation)."""

    async def resolve(root: Any, info: Info) -> list[Any]:
        await check_part(root, info, part)
        rows = await info.context.loaders.get(loader).load(getattr(root, key))
        return [target(row) for row in rows]

    metadata: dict[str, Any] = {
        RELATION: Relation(loader, key, many=True, target=target, part=part),
        **(policy.metadata() if policy else {}),
    }
    return strawberry.field(resolver=resolve, description=description, metadata=metadata)


def relation_of_parent(
    loader: type[BaseLoader],
    key: str,
    make: Callable[[Any, Any], Any],
    *,
    description: str | None = None,
    part: str | None = None,
) -> Any:
    """One object made from the parent and all the loader finds by the key attribute, `make(parent, value)` (a
    `many` loader's value is its list of rows): a summary of the parent's rows (`part`: see relation)."""
    if loader.shared:  # the worker's shared rows are mapped row by row (loaders/shared.py), never with a parent
        raise TypeError(f"relation_of_parent needs a loader of the request's own rows, not {loader.__name__}")

    async def resolve(root: Any, info: Info) -> Any:
        await check_part(root, info, part)
        return make(root, await info.context.loaders.get(loader).load(getattr(root, key)))

    metadata = {RELATION: Relation(loader, key, many=loader.many, target=make, part=part, with_parent=True)}
    return strawberry.field(resolver=resolve, description=description, metadata=metadata)
