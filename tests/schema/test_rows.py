"""`Type.from_row`: the plain types' compiled makers (schema/rows.py `_MAKERS`) give what the plan's loop gives."""

from __future__ import annotations

import base64
from typing import Any

import asyncpg
import pytest

from schema.facility import Facility
from schema.ids import from_global_id, to_global_id
from schema.person import Person
from schema.province import Province
from schema.rows import _MAKERS, _PLANS, Mapped
from schema.visit import Diagnosis, MedicalVisit, VisitType


def _by_the_loop(cls: type[Mapped], row: Any) -> dict[str, Any]:
    return {name: row[column] if convert is None else convert(row[column]) for name, column, convert in _PLANS[cls]}


@pytest.mark.parametrize(
    ("cls", "table"),
    [(MedicalVisit, "medical_visits"), (Person, "people"), (Province, "provinces"), (Diagnosis, "icd10_codes")],
)
async def test_a_compiled_maker_reads_what_the_loop_reads(
    db: asyncpg.Connection, cls: type[Mapped], table: str
) -> None:
    rows = await db.fetch(f"select * from {table} order by 1 limit 50")
    assert rows
    made = [cls.from_row(row) for row in rows]
    assert cls in _MAKERS  # the first call made it
    assert [vars(m) for m in made] == [_by_the_loop(cls, row) for row in rows]
    assert all(type(m) is cls for m in made)


async def test_a_type_given_keywords_is_made_by_its_dataclass(db: asyncpg.Connection) -> None:
    row = await db.fetchrow("select *, 1.5 as distance_km from facilities order by id limit 1")
    near = Facility.from_row(row, distance_km=2.5)
    assert near.distance_km == 2.5 and near.location.latitude == row["latitude"]


def test_global_ids_are_base64url_of_type_and_key_without_padding() -> None:
    for pk in [1, 9, 99, 12_345, 2**40, 10**18 - 1, *range(1, 3_000, 7)]:
        for type_name in ("MedicalVisit", "Facility", "Person", "Benefit"):
            expected = base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")
            assert to_global_id(type_name, pk) == expected
            assert from_global_id(expected) == (type_name, pk)


def test_an_enum_column_gets_its_member_and_an_unknown_value_is_refused() -> None:
    row = {"id": 7, "person_id": 1, "facility_id": 2, "visit_type": "INPATIENT", "admitted_at": None,
           "discharged_at": None, "primary_diagnosis_code": "J06.9", "total_cost": 1, "insurance_paid": 1,
           "patient_paid": 0}
    assert MedicalVisit.from_row(row).visit_type is VisitType.INPATIENT
    assert MedicalVisit.from_row(row | {"visit_type": None}).visit_type is None
    assert MedicalVisit.from_row(row).id == to_global_id("MedicalVisit", 7)
    with pytest.raises(ValueError, match="NOT_A_VISIT"):
        MedicalVisit.from_row(row | {"visit_type": "NOT_A_VISIT"})
