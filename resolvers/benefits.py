"""Benefits: loaders, the row-to-type mapping, and the paged list of a person's benefits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import asyncpg
import strawberry

from db import benefits as sql
from resolvers.dataloader import in_key_order
from resolvers.facilities import FacilityByIdLoader
from resolvers.persons import Key, PersonalLoader, personal_connection
from schema.info import Info

if TYPE_CHECKING:
    from schema.benefit import Benefit, BenefitKind
    from schema.facility import Facility
    from schema.pagination import Connection
    from schema.person import Person

LIST_NAME = "benefits"


def benefit_from_row(row: asyncpg.Record) -> Benefit:
    from schema.benefit import Benefit, BenefitKind
    from schema.node import to_global_id

    return Benefit(
        id=to_global_id("Benefit", row["id"]),
        pk=row["id"],
        person_id=row["person_id"],
        paying_agency_id=row["paying_agency_id"],
        kind=BenefitKind(row["kind"]),
        decision_number=row["decision_number"],
        period_from=row["period_from"],
        period_to=row["period_to"],
        days=row["days"],
        amount=row["amount"],
        paid_on=row["paid_on"],
    )


class BenefitByIdLoader(PersonalLoader["Benefit"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[Benefit | None]:
        rows = in_key_order(keys, await sql.benefits_by_id(conn, keys, viewer_id=viewer_id))
        return [benefit_from_row(r) if r else None for r in rows]


async def resolve_benefits(
    root: Person,
    info: Info,
    kind: Annotated[BenefitKind, strawberry.lazy("schema.benefit")] | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Benefit]:
    kind_value = kind.value if kind else None

    async def fetch(conn: asyncpg.Connection, person_id: int, key: Key | None, limit: int) -> list[asyncpg.Record]:
        return await sql.benefits_page(conn, person_id, kind=kind_value, after=key, limit=limit)

    async def count(conn: asyncpg.Connection, person_id: int) -> int:
        return await sql.count_benefits(conn, person_id, kind=kind_value)

    return await personal_connection(
        info,
        root.person_id,
        list_name=LIST_NAME,
        first=first,
        after=after,
        key_types=(dt.date, int),
        fetch=fetch,
        count=count,
        key=lambda row: (row["paid_on"], row["id"]),
        node=benefit_from_row,
    )


async def resolve_paying_agency(root: Benefit, info: Info) -> Facility | None:
    return await info.context.loaders.get(FacilityByIdLoader).load(root.paying_agency_id)
