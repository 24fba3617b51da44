"""Contribution periods: loaders, the row-to-type mapping, the paged history and the month summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import asyncpg
import strawberry

from db import contributions as sql
from resolvers.dataloader import in_key_order
from resolvers.employers import EmployerByIdLoader
from resolvers.persons import Key, PersonalLoader, personal_connection
from schema.info import Info

if TYPE_CHECKING:
    from schema.contribution import ContributionPeriod, ContributionScheme, ContributionSummary
    from schema.employer import Employer
    from schema.pagination import Connection
    from schema.person import Person

LIST_NAME = "contributionPeriods"


def period_from_row(row: asyncpg.Record) -> ContributionPeriod:
    from schema.contribution import ContributionPeriod, ContributionScheme, ContributionStatus
    from schema.node import to_global_id

    return ContributionPeriod(
        id=to_global_id("ContributionPeriod", row["id"]),
        pk=row["id"],
        person_id=row["person_id"],
        employer_id=row["employer_id"],
        scheme=ContributionScheme(row["scheme"]),
        from_month=row["from_month"],
        to_month=row["to_month"],
        months=row["months"],
        salary_basis=row["salary_basis"],
        status=ContributionStatus(row["status"]),
        job_title=row["job_title"],
    )


def summary_from_rows(person_id: int, rows: Sequence[asyncpg.Record]) -> ContributionSummary:
    """`rows` hold one row per scheme and one with scheme null: the BHXH (pension) total."""
    from schema.contribution import ContributionScheme, ContributionSummary, SchemeMonths

    total = next((r for r in rows if r["scheme"] is None), None)
    return ContributionSummary(
        person_id=person_id,
        total_months=total["months"] if total else 0,
        unpaid_months=total["unpaid_months"] if total else 0,
        by_scheme=[
            SchemeMonths(
                person_id=person_id,
                scheme=ContributionScheme(r["scheme"]),
                months=r["months"],
                unpaid_months=r["unpaid_months"],
            )
            for r in rows
            if r["scheme"] is not None
        ],
    )


class ContributionPeriodByIdLoader(PersonalLoader["ContributionPeriod"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[ContributionPeriod | None]:
        rows = in_key_order(keys, await sql.periods_by_id(conn, keys, viewer_id=viewer_id))
        return [period_from_row(r) if r else None for r in rows]


class ContributionSummaryByPersonIdLoader(PersonalLoader["ContributionSummary"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[ContributionSummary | None]:
        grouped: dict[int, list[asyncpg.Record]] = {k: [] for k in keys}
        for row in await sql.summaries(conn, keys, viewer_id=viewer_id):
            grouped[row["person_id"]].append(row)
        # A key other than the viewer got no rows from the scoped SQL: it gets nothing, not an empty summary.
        return [summary_from_rows(k, grouped[k]) if k == viewer_id else None for k in keys]


async def resolve_contribution_periods(
    root: Person,
    info: Info,
    scheme: Annotated[ContributionScheme, strawberry.lazy("schema.contribution")] | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[ContributionPeriod]:
    scheme_value = scheme.value if scheme else None

    async def fetch(conn: asyncpg.Connection, person_id: int, key: Key | None, limit: int) -> list[asyncpg.Record]:
        return await sql.periods_page(conn, person_id, scheme=scheme_value, after=key, limit=limit)

    async def count(conn: asyncpg.Connection, person_id: int) -> int:
        return await sql.count_periods(conn, person_id, scheme=scheme_value)

    return await personal_connection(
        info,
        root.person_id,
        list_name=LIST_NAME,
        first=first,
        after=after,
        key_types=(dt.date, int),
        fetch=fetch,
        count=count,
        key=lambda row: (row["from_month"], row["id"]),
        node=period_from_row,
    )


async def resolve_contribution_summary(root: Person, info: Info) -> ContributionSummary | None:
    return await info.context.loaders.get(ContributionSummaryByPersonIdLoader).load(root.person_id)


async def resolve_period_employer(root: ContributionPeriod, info: Info) -> Employer | None:
    if root.employer_id is None:
        return None
    return await info.context.loaders.get(EmployerByIdLoader).load(root.employer_id)
