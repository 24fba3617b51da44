"""Medical visits: loaders, the row-to-type mapping, the paged history and the per-year totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from db import visits as sql
from resolvers.dataloader import BaseLoader, in_key_order
from resolvers.facilities import FacilityByIdLoader
from resolvers.persons import Key, PersonalLoader, personal_connection
from schema.errors import ApiError, ErrorCode
from schema.info import Info

if TYPE_CHECKING:
    from schema.facility import Facility
    from schema.pagination import Connection
    from schema.person import Person
    from schema.visit import Diagnosis, MedicalVisit, MedicalVisitYear

LIST_NAME = "medicalVisits"
# The history starts in 2017; the bounds only keep the date arithmetic of the filter in range.
MIN_YEAR, MAX_YEAR = 1900, 9999


def visit_from_row(row: asyncpg.Record) -> MedicalVisit:
    from schema.node import to_global_id
    from schema.visit import MedicalVisit, VisitType

    return MedicalVisit(
        id=to_global_id("MedicalVisit", row["id"]),
        pk=row["id"],
        person_id=row["person_id"],
        facility_id=row["facility_id"],
        diagnosis_code=row["primary_diagnosis_code"],
        visit_type=VisitType(row["visit_type"]),
        admitted_at=row["admitted_at"],
        discharged_at=row["discharged_at"],
        total_cost=row["total_cost"],
        insurance_paid=row["insurance_paid"],
        patient_paid=row["patient_paid"],
    )


def year_from_row(row: asyncpg.Record) -> MedicalVisitYear:
    from schema.visit import MedicalVisitYear

    return MedicalVisitYear(
        person_id=row["person_id"],
        year=row["year"],
        visits=row["visits"],
        total_cost=row["total_cost"],
        insurance_paid=row["insurance_paid"],
        patient_paid=row["patient_paid"],
    )


class MedicalVisitByIdLoader(PersonalLoader["MedicalVisit"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[MedicalVisit | None]:
        rows = in_key_order(keys, await sql.visits_by_id(conn, keys, viewer_id=viewer_id))
        return [visit_from_row(r) if r else None for r in rows]


class MedicalVisitYearsByPersonIdLoader(PersonalLoader["list[MedicalVisitYear]"]):
    async def load_for_viewer(
        self, conn: asyncpg.Connection, keys: Sequence[int], viewer_id: int
    ) -> list[list[MedicalVisitYear] | None]:
        grouped: dict[int, list[MedicalVisitYear]] = {k: [] for k in keys}
        for row in await sql.visit_years(conn, keys, viewer_id=viewer_id):
            grouped[row["person_id"]].append(year_from_row(row))
        return [grouped[k] for k in keys]


class DiagnosisByCodeLoader(BaseLoader[str, "Diagnosis | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[str]) -> list[Diagnosis | None]:
        from schema.visit import Diagnosis

        rows = in_key_order(keys, await sql.diagnoses_by_code(conn, keys), key="code")
        return [Diagnosis(code=r["code"], name=r["name"]) if r else None for r in rows]


async def resolve_medical_visits(
    root: Person, info: Info, year: int | None = None, first: int | None = None, after: str | None = None
) -> Connection[MedicalVisit]:
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ApiError(ErrorCode.INVALID_INPUT, f"year must be between {MIN_YEAR} and {MAX_YEAR}", field="year")

    async def fetch(conn: asyncpg.Connection, person_id: int, key: Key | None, limit: int) -> list[asyncpg.Record]:
        return await sql.visits_page(conn, person_id, year=year, after=key, limit=limit)

    async def count(conn: asyncpg.Connection, person_id: int) -> int:
        return await sql.count_visits(conn, person_id, year=year)

    return await personal_connection(
        info,
        root.person_id,
        list_name=LIST_NAME,
        first=first,
        after=after,
        key_types=(dt.datetime, int),
        fetch=fetch,
        count=count,
        key=lambda row: (row["admitted_at"], row["id"]),
        node=visit_from_row,
    )


async def resolve_medical_visit_years(root: Person, info: Info) -> list[MedicalVisitYear]:
    years = await info.context.loaders.get(MedicalVisitYearsByPersonIdLoader).load(root.person_id)
    return years or []


async def resolve_primary_diagnosis(root: MedicalVisit, info: Info) -> Diagnosis | None:
    return await info.context.loaders.get(DiagnosisByCodeLoader).load(root.diagnosis_code)


async def resolve_visit_facility(root: MedicalVisit, info: Info) -> Facility | None:
    return await info.context.loaders.get(FacilityByIdLoader).load(root.facility_id)
