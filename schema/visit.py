"""MedicalVisit: the BHYT medical visit history (lịch sử khám chữa bệnh), with ICD-10 diagnoses. Personal data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from loaders.directory import DiagnosisByCodeLoader
from loaders.personal import MedicalVisitByIdLoader
from schema.facility import Facility, facility_relation
from schema.node import Node
from schema.relation import relation
from schema.rows import Mapped
from schema.scalars import Money


@strawberry.enum
class VisitType(enum.Enum):
    OUTPATIENT = "OUTPATIENT"  # ngoại trú
    INPATIENT = "INPATIENT"  # nội trú
    DAY_TREATMENT = "DAY_TREATMENT"  # điều trị ban ngày
    EMERGENCY = "EMERGENCY"  # cấp cứu


@strawberry.type(description="An ICD-10 diagnosis: reference data, public.")
class Diagnosis(Mapped):
    code: str
    name: str = strawberry.field(description=(
        "The title: in Vietnamese for the common codes of the visit history, WHO's English title for the "
        "other codes."))


@strawberry.type(description="One visit paid by BHYT. Every field answers only to the patient.")
class MedicalVisit(OwnedByViewer, Node):
    access_part: ClassVar[str | None] = "VISITS"
    node_loader = MedicalVisitByIdLoader
    columns: ClassVar[Mapping[str, str]] = {"diagnosis_code": "primary_diagnosis_code"}
    person_id: strawberry.Private[int]
    facility_id: strawberry.Private[int]
    diagnosis_code: strawberry.Private[str]
    visit_type: VisitType | None
    admitted_at: dt.datetime | None
    discharged_at: dt.datetime | None = strawberry.field(
        description="Null for a visit without a stay, or one still going on."
    )
    primary_diagnosis: Diagnosis | None = relation(DiagnosisByCodeLoader, "diagnosis_code", Diagnosis.from_row)
    total_cost: Money | None
    insurance_paid: Money | None
    patient_paid: Money | None
    facility: Facility | None = facility_relation("facility_id")


@strawberry.type(description="A calendar year of the visit history, totalled by the database.")
class MedicalVisitYear(OwnedByViewer, Mapped):
    access_part: ClassVar[str | None] = "VISITS"
    person_id: strawberry.Private[int]
    year: int | None
    visits: int | None
    total_cost: Money | None
    insurance_paid: Money | None
    patient_paid: Money | None

