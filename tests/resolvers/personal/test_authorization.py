"""Field-level authorization of the personal graph: only the person reads their data, by every path, for every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from auth.permissions import OwnedByViewer
from auth.viewer import Viewer, ViewerKind
from schema.access_log import AccessLogEntry
from schema.application import Application
from schema.benefit import Benefit
from schema.card import InsuranceCard
from schema.contribution import ContributionPeriod, ContributionSummary, SchemeMonths
from schema.ids import to_global_id
from schema.inbox import Device, InboxConnection, InboxMessage, InboxMessageKind, InboxPreference
from schema.node import Node
from schema.pagination import Edge, PageInfo
from schema.pension import Pension
from schema.person import Person
from schema.scalars import SCALAR_MAP
from schema.visit import MedicalVisit, MedicalVisitYear
from service.schema import schema
from tests.factories import (
    Citizen,
    add_benefit,
    add_card,
    add_period,
    add_visits,
    make_agency,
    make_citizen,
    make_officer,
    make_partner_key,
    open_session,
)
from tests.graphql import contract, error_codes, gql

PERSONAL_TYPES = (
    Person,
    InsuranceCard,
    ContributionPeriod,
    ContributionSummary,
    SchemeMonths,
    Benefit,
    MedicalVisit,
    MedicalVisitYear,
    AccessLogEntry,
    InboxConnection,
    InboxMessage,
    InboxPreference,
    Device,
    Application,
    Pension,
)
HOME = contract("mobile/Home")
ME_ID = "query { me { id fullName } }"
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Person { fullName socialInsuranceCode dateOfBirth gender phone email address }
    ... on InsuranceCard {
      cardNumber beneficiaryGroup { code } benefitLevel coveragePercent validFrom validTo
      fiveYearsContinuousFrom residenceArea primaryFacility { code }
    }
    ... on ContributionPeriod { scheme fromMonth toMonth months salaryBasis status jobTitle employer { code } }
    ... on Benefit { kind decisionNumber periodFrom periodTo days amount paidOn payingAgency { code } }
    ... on MedicalVisit {
      visitType admittedAt dischargedAt primaryDiagnosis { code } totalCost insurancePaid patientPaid facility { code }
    }
    ... on Application {
      applicationKind: kind applicationStatus: status submittedAt applicantCode competentAgency { code }
    }
    ... on Device { platform createdAt lastSeenAt }
    ... on InboxMessage { messageKind: kind title body createdAt read }
  }
}
"""


@dataclass(frozen=True)
class Owned:
    citizen: Citizen
    ids: dict[str, str]


@pytest.fixture
async def owned(db: asyncpg.Connection) -> Owned:
    """A citizen holding one object of every personal type, and their global IDs."""
    citizen = await make_citizen(db)
    today = dt.date.today()
    days = dt.timedelta(days=100)
    card = await add_card(db, citizen, valid_from=today - days, valid_to=today + days)
    period = await add_period(db, citizen.id, "BHXH_COMPULSORY", "2020-01", "2020-12")
    benefit = await add_benefit(db, citizen.id, "SICKNESS", dt.date(2024, 3, 1))
    await add_visits(db, citizen.id, 1)
    visit = await db.fetchval("select id from medical_visits where person_id = $1", citizen.id)
    agency, _ = await make_agency(db)
    application = await db.fetchval(
        """insert into applications (person_id, kind, status, competent_agency_id, applicant_name, applicant_code,
                                     input, idempotency_key)
           values ($1, 'CARD_REISSUE', 'SUBMITTED', $2, $3, $4, '{"request": {"reason": "LOST"}}', 'owned-app-1')
           returning id""",
        citizen.id, agency, citizen.full_name, citizen.social_insurance_code,
    )
    device = await db.fetchval(
        "insert into devices (person_id, platform, token) values ($1, 'ANDROID', $2) returning id",
        citizen.id, f"device-token-{citizen.id}",
    )
    message = await db.fetchval(
        """insert into inbox_messages (person_id, kind, subject_key, period, title, body)
           values ($1, 'CARD_EXPIRING', 'owned', '2026-12-31', 'Thẻ BHYT sắp hết hạn', 'Thẻ sẽ hết hạn.')
           returning id""",
        citizen.id,
    )
    return Owned(
        citizen=citizen,
        ids={
            "Person": to_global_id("Person", citizen.id),
            "InsuranceCard": to_global_id("InsuranceCard", card),
            "ContributionPeriod": to_global_id("ContributionPeriod", period),
            "Benefit": to_global_id("Benefit", benefit),
            "MedicalVisit": to_global_id("MedicalVisit", visit),
            "Application": to_global_id("Application", application),
            "Device": to_global_id("Device", device),
            "InboxMessage": to_global_id("InboxMessage", message),
        },
    )


def test_the_owned_objects_cover_every_personal_type_node_can_fetch(owned: Owned) -> None:
    # the two tests below read every personal type that implements Node, so a new one must be added to `owned`
    assert set(owned.ids) == {cls.__name__ for cls in PERSONAL_TYPES if issubclass(cls, Node)}


def test_every_personal_type_is_declared_owned_by_the_viewer() -> None:
    # a type is personal when it carries its owner's id; each must be checked against the viewer, so a new
    # personal type that forgets OwnedByViewer fails here
    personal = set()
    for concrete in schema.schema_converter.type_map.values():
        definition, graphql_type = concrete.definition, concrete.implementation
        if not isinstance(definition, StrawberryObjectDefinition) or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if any(f.python_name == "person_id" and is_private(f.type) for f in definition.fields):
            origin = definition.origin
            assert issubclass(origin, OwnedByViewer), definition.name
            # the check the executor runs on every object of the type, before any of its fields
            assert graphql_type.is_type_of == origin.is_type_of, definition.name
            personal.add(origin)

    assert personal == set(PERSONAL_TYPES)


async def test_the_owner_reads_every_personal_object_through_node(client: httpx.AsyncClient, owned: Owned) -> None:
    for type_name, global_id in owned.ids.items():
        result = await gql(client, NODE, {"id": global_id}, token=owned.citizen.token)

        assert "errors" not in result, result
        node = result["data"]["node"]
        assert node["__typename"] == type_name
        assert node["id"] == global_id
        assert all(value is not None for key, value in node.items() if key not in ("phone", "email")), node


async def _others(db: asyncpg.Connection) -> dict[str, dict[str, Any]]:
    """Credentials of every role that is not the owner: name -> gql keyword arguments."""
    other = await make_citizen(db, full_name="Người Khác")
    officer = await make_citizen(db, full_name="Cán Bộ")
    await make_officer(db, person=officer)
    return {
        "anonymous": {},
        "another citizen": {"token": other.token},
        "agency officer": {"token": officer.token},
        "partner": {"api_key": await make_partner_key(db)},
    }


async def test_no_other_role_can_tell_a_personal_object_from_a_missing_one(
    client: httpx.AsyncClient, db: asyncpg.Connection, owned: Owned
) -> None:
    for role, credentials in (await _others(db)).items():
        for type_name, global_id in owned.ids.items():
            # when anyone else asks for the object, and for an ID of the same type that does not exist
            result = await gql(client, NODE, {"id": global_id}, **credentials)
            missing = await gql(client, NODE, {"id": to_global_id(type_name, 2**40)}, **credentials)

            # then both answer null with no error: nothing tells them apart
            assert result == {"data": {"node": None}}, (role, type_name, result)
            assert missing == result, (role, type_name)


async def test_me_answers_the_signed_in_person_only(
    client: httpx.AsyncClient, db: asyncpg.Connection, owned: Owned
) -> None:
    others = await _others(db)

    anonymous = await gql(client, ME_ID, **others["anonymous"])
    partner = await gql(client, ME_ID, **others["partner"])
    officer = await gql(client, HOME, **others["agency officer"])
    owner = await gql(client, HOME, token=owned.citizen.token)

    assert anonymous["data"] == {"me": None} and error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert partner["data"] == {"me": None} and error_codes(partner) == ["UNAUTHENTICATED"]
    # an officer is a citizen too: `me` is their own record, never the owner's
    assert officer["data"]["me"]["fullName"] == "Cán Bộ" and "errors" not in officer
    assert owner["data"]["me"]["id"] == owned.ids["Person"]
    assert owner["data"]["me"]["currentCard"]["cardNumber"].endswith(owned.citizen.social_insurance_code)


async def test_a_password_change_only_session_reads_nothing_personal(
    client: httpx.AsyncClient, db: asyncpg.Connection, owned: Owned
) -> None:
    token = await open_session(db, owned.citizen.id, password_change_only=True)

    me = await gql(client, ME_ID, token=token)
    node = await gql(client, NODE, {"id": owned.ids["MedicalVisit"]}, token=token)

    assert me["data"] == {"me": None} and error_codes(me) == ["PASSWORD_CHANGE_REQUIRED"]
    assert node == {"data": {"node": None}}


# The second layer aside, the schema layer alone must hold: a schema that hands out another person's objects
# directly (as a forgotten scope would) answers each such object with null and a coded error, never a field of it.
OWNER_ID = 1001
_PERSON = {
    "id": OWNER_ID,
    "social_insurance_code": "0123456789",
    "full_name": "Chủ",
    "date_of_birth": dt.date(1990, 1, 1),
    "gender": "MALE",
    "phone": "0900000000",
    "email": "a@b.vn",
    "address": "x",
}
_CARD = {
    "id": 1,
    "person_id": OWNER_ID,
    "group_code": "DN",
    "primary_facility_id": 1,
    "card_number": "DN4010123456789",
    "benefit_level": 4,
    "coverage_percent": 80,
    "valid_from": dt.date(2025, 1, 1),
    "valid_to": dt.date(2025, 12, 31),
    "five_years_continuous_from": None,
    "residence_area": "K1",
    "issued_on": dt.date(2024, 12, 1),
    "revoked_at": None,
}
_PERIOD = {
    "id": 1,
    "person_id": OWNER_ID,
    "employer_id": 1,
    "scheme": "BHTN",
    "from_month": dt.date(2020, 1, 1),
    "to_month": dt.date(2020, 2, 1),
    "months": 2,
    "salary_basis": Decimal(5),
    "status": "PAID",
    "amount_owed": Decimal(0),
    "job_title": "x",
    "amount_paid": None,
    "state_support": None,
}
_BENEFIT = {
    "id": 1,
    "person_id": OWNER_ID,
    "paying_agency_id": 1,
    "kind": "PENSION",
    "decision_number": "1",
    "period_from": dt.date(2020, 1, 1),
    "period_to": None,
    "days": None,
    "amount": Decimal(1),
    "paid_on": dt.date(2020, 1, 1),
}
_VISIT = {
    "id": 1,
    "person_id": OWNER_ID,
    "facility_id": 1,
    "primary_diagnosis_code": "J00",
    "visit_type": "EMERGENCY",
    "admitted_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    "discharged_at": None,
    "total_cost": Decimal(3),
    "insurance_paid": Decimal(2),
    "patient_paid": Decimal(1),
}
_YEAR = {"person_id": OWNER_ID, "year": 2024, "visits": 1, "total_cost": 3, "insurance_paid": 2, "patient_paid": 1}
_ENTRY = {
    "person_id": OWNER_ID,
    "at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    "actor_kind": "SYSTEM",
    "actor_name": "x",
    "purpose": "y",
    "data_categories": ["CARD"],
    "grant_id": None,
}
# An application of the owner at an agency (2) that is not the officer viewer's (1).
_APPLICATION = {
    "id": 1, "person_id": OWNER_ID, "competent_agency_id": 2, "kind": "CARD_REISSUE", "status": "SUBMITTED",
    "input": '{"request": {"reason": "LOST"}}', "effect": None, "amount_dong": None, "rejection_reason": None,
    "submitted_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC), "updated_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    "applicant_name": "Chủ", "applicant_code": "0123456789",
}
_PENSION = {
    "person_id": OWNER_ID,
    "paying_agency_id": 1,
    "decision_number": "1",
    "start_month": dt.date(2020, 1, 1),
    "months_counted": 300,
    "replacement_rate": 65,
    "average_salary": Decimal(100),
    "initial_monthly_amount": Decimal(65),
    "adjustment_dates": [dt.date(2022, 1, 1)],
    "adjustment_percents": [Decimal("7.4")],
    "adjustment_bases": ["NĐ 108/2021/NĐ-CP"],
}
_MESSAGE = {
    "id": 1, "person_id": OWNER_ID, "kind": "CONTRIBUTION_ARREARS", "title": "t", "body": "b",
    "link_kind": "CARD", "link_id": 1, "created_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC), "read_at": None,
}
_DEVICE = {
    "id": 1, "person_id": OWNER_ID, "platform": "ANDROID", "created_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    "last_seen_at": dt.datetime(2026, 1, 6, tzinfo=dt.UTC),
}
_SUMMARY_ROWS: list[dict[str, Any]] = [
    {"scheme": None, "months": 2, "unpaid_months": 0, "unused_months": None},
    {"scheme": "BHTN", "months": 2, "unpaid_months": 0, "unused_months": 2},
]


@strawberry.type
class LeakyQuery:
    @strawberry.field
    def person(self) -> Person | None:
        return Person.from_row(_PERSON)

    @strawberry.field
    def card(self) -> InsuranceCard | None:
        return InsuranceCard.from_row(_CARD)

    @strawberry.field
    def period(self) -> ContributionPeriod | None:
        return ContributionPeriod.from_row(_PERIOD)

    @strawberry.field
    def summary(self) -> ContributionSummary | None:
        return ContributionSummary.from_rows(OWNER_ID, _SUMMARY_ROWS)

    @strawberry.field
    def benefit(self) -> Benefit | None:
        return Benefit.from_row(_BENEFIT)

    @strawberry.field
    def pension(self) -> Pension | None:
        return Pension.from_row(_PENSION)

    @strawberry.field
    def visit(self) -> MedicalVisit | None:
        return MedicalVisit.from_row(_VISIT)

    @strawberry.field
    def year(self) -> MedicalVisitYear | None:
        return MedicalVisitYear.from_row(_YEAR)

    @strawberry.field
    def entry(self) -> AccessLogEntry | None:
        return AccessLogEntry.from_row(_ENTRY)

    @strawberry.field
    def application(self) -> Application | None:
        return Application.from_row(_APPLICATION)

    @strawberry.field
    def months(self) -> SchemeMonths | None:
        return SchemeMonths(person_id=OWNER_ID, scheme=None, months=2, unpaid_months=0)

    @strawberry.field
    def message(self) -> InboxMessage | None:
        return InboxMessage.from_row(_MESSAGE)

    @strawberry.field
    def inbox(self) -> InboxConnection | None:
        async def total() -> int:
            return 1

        edge = Edge(node=InboxMessage.from_row(_MESSAGE), list_name="inbox", key=(1,))
        return InboxConnection(
            edges=[edge], page_info=PageInfo(has_next_page=False, end_cursor=None), count_total=total,
            person_id=OWNER_ID,
        )

    @strawberry.field
    def preference(self) -> InboxPreference | None:
        return InboxPreference(person_id=OWNER_ID, kind=InboxMessageKind.CONTRIBUTION_ARREARS, enabled=True)

    @strawberry.field
    def device(self) -> Device | None:
        return Device.from_row(_DEVICE)

    @strawberry.field
    def visits(self) -> list[MedicalVisit | None]:
        # the owner's visit, then another person's
        return [MedicalVisit.from_row(_VISIT), MedicalVisit.from_row({**_VISIT, "id": 2, "person_id": OWNER_ID + 1})]


LEAKY_SCHEMA = strawberry.Schema(query=LeakyQuery, config=StrawberryConfig(scalar_map=SCALAR_MAP))
LEAKY_ROOTS = {
    "person": Person,
    "card": InsuranceCard,
    "period": ContributionPeriod,
    "summary": ContributionSummary,
    "benefit": Benefit,
    "pension": Pension,
    "visit": MedicalVisit,
    "year": MedicalVisitYear,
    "entry": AccessLogEntry,
    "application": Application,
    "months": SchemeMonths,
    "message": InboxMessage,
    "inbox": InboxConnection,
    "preference": InboxPreference,
    "device": Device,
}


@dataclass
class _BareContext:
    viewer: Viewer


def _selection(cls: type[Any]) -> str:
    """Every field of the type but `id`, with `{ __typename }` under object-valued ones."""
    names = []
    for field in get_object_definition(cls, strict=True).fields:
        if field.python_name == "id" or is_private(field.type):
            continue
        name = field.graphql_name or to_camel_case(field.python_name)
        leaf = field.python_name not in {
            "beneficiary_group",
            "primary_facility",
            "employer",
            "paying_agency",
            "primary_diagnosis",
            "facility",
            "current_card",
            "contribution_summary",
            "contribution_periods",
            "benefits",
            "medical_visits",
            "medical_visit_years",
            "access_log",
            "by_scheme",
            "cards",
            "image",
            "inbox",
            "inbox_preferences",
            "dependants",
            "granted_persons",
            "grants",
            "social_insurance_book",
            "applications",
            "competent_agency",
            "request",
            "changes",
            "transitions",
            "payment",
            "pension",
            "adjustments",
            "edges",
            "page_info",
            "link",
        }
        names.append(name if leaf else f"{name} {{ __typename }}")
    return " ".join(names)


@pytest.mark.parametrize(
    ("viewer", "code"),
    [
        (Viewer(kind=ViewerKind.ANONYMOUS), "UNAUTHENTICATED"),
        (Viewer(kind=ViewerKind.CITIZEN, person_id=OWNER_ID + 1), "FORBIDDEN"),
        (Viewer(kind=ViewerKind.AGENCY_OFFICER, person_id=OWNER_ID + 2, agency_id=1), "FORBIDDEN"),
        (Viewer(kind=ViewerKind.PARTNER, partner_id=1, scopes=frozenset({"card:verify"})), "UNAUTHENTICATED"),
    ],
)
async def test_a_foreign_object_of_every_personal_type_is_null_with_a_code(viewer: Viewer, code: str) -> None:
    # every personal type has its root here: a new one must be added, or this test does not cover it
    assert sorted(cls.__name__ for cls in LEAKY_ROOTS.values()) == sorted(cls.__name__ for cls in PERSONAL_TYPES)
    for root, cls in LEAKY_ROOTS.items():
        selection = _selection(cls)
        result = await LEAKY_SCHEMA.execute(f"{{ {root} {{ {selection} }} }}", context_value=_BareContext(viewer))

        # no field of the object runs: the object is null, with one error at its path
        assert result.data == {root: None}, (root, result.data)
        assert result.errors is not None and len(result.errors) == 1, (root, result.errors)
        assert result.errors[0].path == [root]
        assert result.errors[0].extensions == {"code": code}


async def test_the_owner_reads_their_objects_and_a_foreign_one_beside_them_is_null() -> None:
    owner = _BareContext(Viewer(kind=ViewerKind.CITIZEN, person_id=OWNER_ID))

    result = await LEAKY_SCHEMA.execute("{ visits { visitType totalCost } }", context_value=owner)

    assert result.data == {"visits": [{"visitType": "EMERGENCY", "totalCost": "3"}, None]}
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].path == ["visits", 1]
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}


async def test_the_owner_passes_the_same_permissions() -> None:
    # guards the test above: the same selection, asked by the owner, answers the leaf fields
    result = await LEAKY_SCHEMA.execute(
        "{ visit { visitType totalCost } entry { purpose dataCategories } }",
        context_value=_BareContext(Viewer(kind=ViewerKind.CITIZEN, person_id=OWNER_ID)),
    )

    assert result.errors is None
    assert result.data == {
        "visit": {"visitType": "EMERGENCY", "totalCost": "3"},
        "entry": {"purpose": "y", "dataCategories": ["CARD"]},
    }


async def test_an_application_answers_to_an_officer_of_its_competent_agency_only() -> None:
    query = "{ application { kind status applicantCode } }"
    competent = _BareContext(Viewer(kind=ViewerKind.AGENCY_OFFICER, person_id=OWNER_ID + 2, agency_id=2))
    other = _BareContext(Viewer(kind=ViewerKind.AGENCY_OFFICER, person_id=OWNER_ID + 3, agency_id=1))

    read = await LEAKY_SCHEMA.execute(query, context_value=competent)
    refused = await LEAKY_SCHEMA.execute(query, context_value=other)

    assert read.data == {"application": {"kind": "CARD_REISSUE", "status": "SUBMITTED", "applicantCode": "0123456789"}}
    assert refused.data == {"application": None} and refused.errors is not None
    assert refused.errors[0].extensions == {"code": "FORBIDDEN"}
