"""Person: the logged-in citizen and everything the app shows them. Every personal field answers only to that person."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from core.errors import ApiError, ErrorCode
from core.policy import LIST_PAGES, FieldPolicy
from core.text_ids import TextId
from core.texts import text
from db.access_log import ACCESS_LOG
from db.applications import APPLICATIONS
from db.benefits import BENEFITS
from db.cards import CARDS
from db.contributions import PERIODS
from db.visits import VISITS
from loaders.base import Row
from loaders.context import Info
from loaders.family import (
    AccessGrantsByPersonIdLoader,
    DependantsByGuardianIdLoader,
    GrantedPersonsByGranteeIdLoader,
)
from loaders.personal import (
    ContributionSummaryRowsByPersonIdLoader,
    CurrentInsuranceCardByPersonIdLoader,
    MedicalVisitYearsByPersonIdLoader,
    PensionByPersonIdLoader,
    PersonByIdLoader,
)
from schema.access_log import AccessLogEntry
from schema.application import Application, ApplicationKind
from schema.benefit import Benefit, BenefitKind
from schema.card import InsuranceCard
from schema.contribution import ContributionPeriod, ContributionScheme, ContributionSummary
from schema.family import AccessGrant
from schema.inbox import InboxConnection, InboxPreference, inbox_page, inbox_preferences
from schema.insurance_book import InsuranceBookFile, insurance_book
from schema.lists import list_page
from schema.node import Node
from schema.pagination import Connection
from schema.pension import Pension
from schema.relation import check_part, relation, relation_list, relation_of_parent
from schema.visit import MedicalVisit, MedicalVisitYear

# The pages only read (a guardian's read is logged once per request): the planned executor may run them.
PAGED = FieldPolicy(pages=LIST_PAGES, reads_only=True).metadata()
# The family's plain lists, priced at their most (db/family.py stops each there).
FAMILY_LIST = FieldPolicy(list_size=50)
GRANT_LIST = FieldPolicy(list_size=200)
# The history starts in 2017; the bounds only keep the date arithmetic of the filter in range.
MIN_YEAR, MAX_YEAR = 1900, 9999


def _person(row: Row) -> Person:
    return Person.from_row(row)  # a guardian's child, a granted person: defined below


def _summary(person: Person, rows: list[Row]) -> ContributionSummary:
    """The person's contribution summary from their rows (the retirement age needs the birth date and gender)."""
    gender = person.gender.value if person.gender else None
    return ContributionSummary.from_rows(person.person_id, rows, date_of_birth=person.date_of_birth, gender=gender)


async def _visits_in(info: Info, person_id: int, year: int | None) -> int:
    """The total of `medicalVisits(year:)`, from the per-year totals (the same calendar years in Vietnam, the same
    readers): no statement of its own when `medicalVisitYears` is asked too (its loader's rows, shared), else the
    years' statement in place of a count."""
    years = await info.context.loaders.get(MedicalVisitYearsByPersonIdLoader).load(person_id)
    return sum(row["visits"] for row in years if year is None or row["year"] == year)


@strawberry.enum
class Gender(enum.Enum):
    MALE = "MALE"
    FEMALE = "FEMALE"


@strawberry.type(
    description="A person on record. Their fields answer to the person themself, and part by part to their guardian "
    "(a child under 18) or to a grantee (a live grant): see the API guide, The family."
)
class Person(OwnedByViewer, Node):
    access_part: ClassVar[str | None] = "PERSON"
    node_loader = PersonByIdLoader
    columns: ClassVar[Mapping[str, str]] = {"person_id": "id"}
    # OwnedByViewer compares this with the viewer: the schema layer of authorization (docs/authorization.md).
    person_id: strawberry.Private[int]
    social_insurance_code: str | None = strawberry.field(description="Mã số BHXH: 10 digits, the login name.")
    full_name: str | None
    date_of_birth: dt.date | None
    gender: Gender | None
    phone: str | None
    email: str | None
    address: str | None
    current_card: InsuranceCard | None = relation(
        CurrentInsuranceCardByPersonIdLoader,
        "person_id",
        InsuranceCard.from_row,
        description="The BHYT card valid today (Vietnam time); when none is, the one that ended in the last 31 days "
        "(a renewal is often issued days after 1 January; its `status` says EXPIRED); never a revoked one. Null "
        "otherwise. The whole history is `cards`.",
        part="CARD",
    )
    medical_visit_years: list[MedicalVisitYear] | None = relation_list(
        MedicalVisitYearsByPersonIdLoader,
        "person_id",
        MedicalVisitYear.from_row,
        description="Visit counts and money totals per calendar year, latest year first.",
        part="VISITS",
    )
    pension: Pension | None = relation(
        PensionByPersonIdLoader,
        "person_id",
        Pension.from_row,
        description="The pension decision (lương hưu hằng tháng): start, years counted, replacement rate, amounts and "
        "yearly adjustments. Null for a person without a monthly pension. The monthly payments are `benefits(kind: "
        "PENSION)`.",
        part="BENEFITS",
    )
    dependants: list[Person] | None = relation_list(
        DependantsByGuardianIdLoader, "person_id", _person, part="OWN",
        description="Children under 18 this person guards (household record); their card, contributions and "
        "visits answer to the guardian until the child turns 18.", policy=FAMILY_LIST,
    )
    granted_persons: list[Person] | None = relation_list(
        GrantedPersonsByGranteeIdLoader, "person_id", _person, part="OWN",
        description="Persons whose live grant lets this person read parts of their data.", policy=FAMILY_LIST,
    )
    grants: list[AccessGrant] | None = relation_list(
        AccessGrantsByPersonIdLoader, "person_id", AccessGrant.from_row, part="OWN",
        description="Grants this person gave or received, newest first (at most 200).", policy=GRANT_LIST,
    )
    contribution_summary: ContributionSummary | None = relation_of_parent(
        ContributionSummaryRowsByPersonIdLoader, "person_id", _summary, part="CONTRIBUTIONS"
    )

    @strawberry.field(
        description="The electronic social insurance book (sổ BHXH điện tử) as a PDF to save: identity, the "
        "participation history by period, totals and the time it was made, in Vietnamese. Only to the person "
        "themself (FORBIDDEN to a guardian or grantee); each fetch is listed in the person's accessLog. About 30 KB "
        "for a short history, 40 KB for 40 years of yearly raises, under 100 KB at the most (480 lines)."
    )
    async def social_insurance_book(self, info: Info) -> InsuranceBookFile | None:
        await check_part(self, info, "OWN")
        return await insurance_book(info, self.person_id)

    @strawberry.field(
        description="Participation history, newest first (by first month). `first` is at most 100.", metadata=PAGED
    )
    async def contribution_periods(
        self, info: Info, scheme: ContributionScheme | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[ContributionPeriod] | None:
        return await list_page(
            info, PERIODS, ContributionPeriod.from_row, list_name="contributionPeriods", first=first, after=after,
            value=scheme.value if scheme else None, person_id=self.person_id,
        )

    @strawberry.field(
        description="Benefits received, most recently paid first. `first` is at most 100.", metadata=PAGED
    )
    async def benefits(
        self, info: Info, kind: BenefitKind | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Benefit] | None:
        return await list_page(
            info, BENEFITS, Benefit.from_row, list_name="benefits", first=first, after=after,
            value=kind.value if kind else None, person_id=self.person_id,
        )

    @strawberry.field(
        description="BHYT visits, latest admission first; `year` is a calendar year in Vietnam; `first` at most 100.",
        metadata=PAGED,
    )
    async def medical_visits(
        self, info: Info, year: int | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[MedicalVisit] | None:
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            out_of_range = text(TextId.YEAR_OUT_OF_RANGE, minimum=MIN_YEAR, maximum=MAX_YEAR)
            raise ApiError(ErrorCode.INVALID_INPUT, out_of_range, field="year")
        return await list_page(
            info, VISITS, MedicalVisit.from_row, list_name="medicalVisits", first=first, after=after,
            value=year, person_id=self.person_id, total=lambda: _visits_in(info, self.person_id, year),
        )

    @strawberry.field(
        description="Every BHYT card of the person, newest first (by first day): past ones, the current one, revoked "
        "ones and renewals not yet in force, each with its validity. `first` is at most 100.",
        metadata=PAGED,
    )
    async def cards(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[InsuranceCard] | None:
        return await list_page(
            info, CARDS, InsuranceCard.from_row, list_name="cards", first=first, after=after, person_id=self.person_id
        )

    @strawberry.field(
        description="Who else read this person's data, newest first. The person's own reads are not listed.",
        metadata=PAGED,
    )
    async def access_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AccessLogEntry] | None:
        return await list_page(
            info, ACCESS_LOG, AccessLogEntry.from_row, list_name="accessLog", first=first, after=after,
            person_id=self.person_id,
        )

    @strawberry.field(
        description="The inbox (hộp thư), newest first, with its unread count; `first` is at most 100.", metadata=PAGED
    )
    async def inbox(
        self, info: Info, unread_only: bool = False, first: int | None = None, after: str | None = None
    ) -> InboxConnection | None:
        return await inbox_page(info, self.person_id, unread_only=unread_only, first=first, after=after)

    @strawberry.field(description="Which kinds of message reach the inbox (all, unless turned off).")
    async def inbox_preferences(self, info: Info) -> list[InboxPreference] | None:
        return await inbox_preferences(info, self.person_id)

    @strawberry.field(
        description="The person's applications (public services), newest first; only to the person themself. "
        "`first` is at most 100.",
        metadata=PAGED,
    )
    async def applications(
        self, info: Info, kind: ApplicationKind | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Application] | None:
        return await list_page(
            info, APPLICATIONS, Application.from_row, list_name="applications", first=first, after=after,
            value=kind.value if kind else None, person_id=self.person_id,
        )
