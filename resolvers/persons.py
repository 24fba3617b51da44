"""The person: `me`, the viewer scoping every personal loader, and the shared paging of personal lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg

from auth.viewer import Viewer
from db import persons as sql
from resolvers.dataloader import BaseLoader, in_key_order
from resolvers.pagination import build_connection, decode_cursor, page_size
from schema.info import Info

if TYPE_CHECKING:
    from schema.pagination import Connection
    from schema.person import Person

T = TypeVar("T")
Key = tuple[Any, ...]
PageFetcher = Callable[[asyncpg.Connection, int, Key | None, int], Awaitable[list[asyncpg.Record]]]
Counter = Callable[[asyncpg.Connection, int], Awaitable[int]]


def scoped_person_id(viewer: Viewer) -> int | None:
    """The only person whose rows personal SQL may read for this viewer; None reads nothing.

    This is the second layer behind the schema's owner check (`OwnedByViewer`): even a type declared without it
    cannot reach another person's rows, because the SQL itself is bound to the viewer.
    """
    if viewer.person_id is None or viewer.password_change_only:
        return None
    return viewer.person_id


class PersonalLoader(BaseLoader[int, T | None]):
    """A loader of personal rows: its SQL takes the viewer's person id, and an anonymous viewer costs no query."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[T | None]:
        viewer_id = scoped_person_id(self.viewer)
        if viewer_id is None:
            return [None] * len(keys)
        async with self.pool.acquire() as conn:
            return await self.load_for_viewer(conn, keys, viewer_id)

    async def load_for_viewer(self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int) -> list[T | None]:
        raise NotImplementedError


def person_from_row(row: asyncpg.Record) -> Person:
    from schema.node import to_global_id
    from schema.person import Gender, Person

    return Person(
        id=to_global_id("Person", row["id"]),
        pk=row["id"],
        person_id=row["id"],
        social_insurance_code=row["social_insurance_code"],
        full_name=row["full_name"],
        date_of_birth=row["date_of_birth"],
        gender=Gender(row["gender"]),
        phone=row["phone"],
        email=row["email"],
        address=row["address"],
    )


class PersonByIdLoader(PersonalLoader["Person"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[Person | None]:
        rows = in_key_order(keys, await sql.persons_by_id(conn, keys, viewer_id=viewer_id))
        return [person_from_row(r) if r else None for r in rows]


async def resolve_me(info: Info) -> Person | None:
    person_id = info.context.viewer.person_id
    if person_id is None:
        return None
    return await info.context.loaders.get(PersonByIdLoader).load(person_id)


async def personal_connection(
    info: Info,
    person_id: int,
    *,
    list_name: str,
    first: int | None,
    after: str | None,
    key_types: tuple[type[Any], ...],
    fetch: PageFetcher,
    count: Counter | None,
    key: Callable[[asyncpg.Record], Sequence[Any]],
    node: Callable[[asyncpg.Record], T],
) -> Connection[T]:
    """One page of a person's list, newest first, read only if the person is the viewer."""
    size = page_size(first)
    after_key = decode_cursor(list_name, after, key_types)
    owner = scoped_person_id(info.context.viewer) if info.context.viewer.person_id == person_id else None
    connection = info.context.connection
    rows: list[asyncpg.Record] = []
    if owner is not None:
        async with connection.acquire() as conn:
            rows = await fetch(conn, owner, after_key, size + 1)

    async def count_total() -> int:
        if owner is None or count is None:
            return 0
        async with connection.acquire() as conn:
            return await count(conn, owner)

    return build_connection(rows, size, list_name=list_name, key=key, node=node, count_total=count_total)
