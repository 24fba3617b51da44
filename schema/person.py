"""Person: the logged-in citizen and everything the app shows them. Every personal field answers only to that person."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import IsSignedIn, OwnedByViewer
from resolvers import access_log, benefits, cards, contributions, persons, visits
from schema.access_log import AccessLogEntry
from schema.benefit import Benefit
from schema.card import InsuranceCard
from schema.contribution import ContributionPeriod, ContributionSummary
from schema.node import Node
from schema.pagination import Connection
from schema.visit import MedicalVisit, MedicalVisitYear


@strawberry.enum
class Gender(enum.Enum):
    MALE = "MALE"
    FEMALE = "FEMALE"


@strawberry.type(description="A person on record. Only the person themself can read their fields.")
class Person(OwnedByViewer, Node):
    pk: strawberry.Private[int]
    # OwnedByViewer compares this with the viewer: the schema layer of authorization (docs/authorization.md).
    person_id: strawberry.Private[int]
    social_insurance_code: str | None = strawberry.field(description="Mã số BHXH: 10 digits, the login name.")
    full_name: str | None
    date_of_birth: dt.date | None
    gender: Gender | None
    phone: str | None
    email: str | None
    address: str | None
    current_card: InsuranceCard | None = strawberry.field(
        resolver=cards.resolve_current_card,
        description="The BHYT card valid today (Vietnam time); null when none is.",
    )
    contribution_summary: ContributionSummary | None = strawberry.field(
        resolver=contributions.resolve_contribution_summary
    )
    contribution_periods: Connection[ContributionPeriod] | None = strawberry.field(
        resolver=contributions.resolve_contribution_periods,
        description="Participation history, newest first (by first month). `first` is at most 100.",
    )
    benefits: Connection[Benefit] | None = strawberry.field(
        resolver=benefits.resolve_benefits,
        description="Benefits received, most recently paid first. `first` is at most 100.",
    )
    medical_visits: Connection[MedicalVisit] | None = strawberry.field(
        resolver=visits.resolve_medical_visits,
        description="BHYT visits, latest admission first; `year` is a calendar year in Vietnam; `first` at most 100.",
    )
    medical_visit_years: list[MedicalVisitYear] | None = strawberry.field(
        resolver=visits.resolve_medical_visit_years,
        description="Visit counts and money totals per calendar year, latest year first.",
    )
    access_log: Connection[AccessLogEntry] | None = strawberry.field(
        resolver=access_log.resolve_access_log,
        description="Who else read this person's data, newest first. The person's own reads are not listed.",
    )


@strawberry.type
class PersonQuery:
    me: Person | None = strawberry.field(
        resolver=persons.resolve_me, permission_classes=[IsSignedIn], description="The signed-in person."
    )
