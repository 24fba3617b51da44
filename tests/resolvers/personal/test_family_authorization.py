"""Who reads a person's data, by every entry point: every role x grant state (docs/authorization.md).

The owner is a child with records of every part; around them a guardian, a grantee, another citizen, an agency
officer, a partner and an anonymous caller. A guardian reads card, contributions and visits until the child turns
18; a grantee reads the granted parts (here card, benefits and visits) while the grant is live; nobody else can
tell the owner's objects from missing ones, and every read by someone else is in the owner's access log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from schema.ids import to_global_id
from tests.factories import (
    Citizen,
    add_benefit,
    add_card,
    add_period,
    add_visits,
    make_citizen,
    make_officer,
    make_partner_key,
)
from tests.family import add_grant, add_guardianship, set_birth, today_in_vietnam, years_before
from tests.graphql import gql
from tests.resolvers.personal.test_authorization import PERSONAL_TYPES

STATES = ("none", "pending", "live", "expired", "revoked", "turned 18")
ROLES = ("owner", "guardian", "grantee", "another citizen", "agency officer", "partner", "anonymous")
GRANTED = ("CARD", "BENEFITS", "VISITS")  # the grant leaves contributions out
GUARDED = ("CARD", "CONTRIBUTIONS", "VISITS")  # a guardian never reads benefits
EVERYTHING = frozenset({"PERSON", "CARD", "CONTRIBUTIONS", "BENEFITS", "VISITS"})
# Each field of Person that is one part of the person's data.
FIELD_PARTS = {
    "currentCard": "CARD",
    "contributionSummary": "CONTRIBUTIONS",
    "contributionPeriods": "CONTRIBUTIONS",
    "benefits": "BENEFITS",
    "medicalVisits": "VISITS",
    "medicalVisitYears": "VISITS",
}
PERSON_FIELDS = """
  id fullName
  currentCard { cardNumber }
  contributionSummary { totalMonths }
  contributionPeriods(first: 5) { edges { node { id } } }
  benefits(first: 5) { edges { node { id } } }
  medicalVisits(first: 5) { edges { node { id } } }
  medicalVisitYears { year }
"""
NODE_PERSON = f"query ($id: ID!) {{ node(id: $id) {{ ... on Person {{ {PERSON_FIELDS} }} }} }}"
NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"
ME = f"""{{ me {{ id currentCard {{ cardNumber }}
  dependants {{ {PERSON_FIELDS} }} grantedPersons {{ {PERSON_FIELDS} }} }} }}"""
# The owner's objects by the part they are.
OBJECT_PARTS = {"InsuranceCard": "CARD", "ContributionPeriod": "CONTRIBUTIONS", "Benefit": "BENEFITS",
                "MedicalVisit": "VISITS"}


def readable(role: str, state: str) -> frozenset[str]:
    """What of the owner each role may read in each state: the expectation the matrix checks."""
    if role == "owner":
        return EVERYTHING
    if role == "guardian" and state not in ("none", "turned 18"):
        return frozenset({"PERSON", *GUARDED})
    if role == "grantee" and state in ("live", "turned 18"):
        return frozenset({"PERSON", *GRANTED})
    return frozenset()


@dataclass(frozen=True)
class World:
    owner: Citizen
    ids: dict[str, str]
    credentials: dict[str, dict[str, Any]]
    person_ids: dict[str, int]
    grant_id: int | None


async def build_world(db: asyncpg.Connection, state: str) -> World:
    """The owner (17, turning 18 tomorrow; or 18 today in state "turned 18") and everyone around them."""
    owner = await make_citizen(db, full_name="Nguyễn Chủ Dữ Liệu")
    today = today_in_vietnam()
    born = years_before(today, 18) if state == "turned 18" else years_before(today, 18) + dt.timedelta(days=1)
    await set_birth(db, owner.id, born)
    card = await add_card(db, owner, valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=300))
    period = await add_period(db, owner.id, "BHYT", "2024-01", "2024-12")
    benefit = await add_benefit(db, owner.id, "SICKNESS", dt.date(2025, 3, 1))
    await add_visits(db, owner.id, 2)
    visit = await db.fetchval("select min(id) from medical_visits where person_id = $1", owner.id)
    guardian = await make_citizen(db, full_name="Nguyễn Cha Giám Hộ")
    grantee = await make_citizen(db, full_name="Trần Người Được Ủy Quyền")
    other = await make_citizen(db, full_name="Lê Người Khác")
    officer = await make_citizen(db, full_name="Phạm Cán Bộ")
    await make_officer(db, person=officer)
    if state != "none":
        await add_guardianship(db, guardian.id, owner.id)
    grant_id = None
    if state in ("pending", "live", "expired", "revoked"):
        grant_id = await add_grant(db, owner.id, grantee.id, state.upper(), GRANTED)
    if state == "turned 18":  # the new adult granted it
        grant_id = await add_grant(db, owner.id, grantee.id, "LIVE", GRANTED)
    return World(
        owner=owner,
        ids={"Person": to_global_id("Person", owner.id), "InsuranceCard": to_global_id("InsuranceCard", card),
             "ContributionPeriod": to_global_id("ContributionPeriod", period),
             "Benefit": to_global_id("Benefit", benefit), "MedicalVisit": to_global_id("MedicalVisit", visit)},
        credentials={"owner": {"token": owner.token}, "guardian": {"token": guardian.token},
                     "grantee": {"token": grantee.token}, "another citizen": {"token": other.token},
                     "agency officer": {"token": officer.token}, "partner": {"api_key": await make_partner_key(db)},
                     "anonymous": {}},
        person_ids={"owner": owner.id, "guardian": guardian.id, "grantee": grantee.id, "another citizen": other.id,
                    "agency officer": officer.id},
        grant_id=grant_id,
    )


def assert_person_reads(person: dict[str, Any], errors: list[dict[str, Any]], path: list[Any],
                        parts: frozenset[str]) -> None:
    """Each part field answers when its part is readable, else null with FORBIDDEN at its path."""
    for field, part in FIELD_PARTS.items():
        at = [*path, field]
        codes = [e["extensions"]["code"] for e in errors if e.get("path") == at]
        if part in parts:
            assert person[field], (field, person[field])
            assert codes == [], (field, codes)
        else:
            assert person[field] is None, (field, person[field])
            assert codes == ["FORBIDDEN"], (field, codes)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
async def test_every_role_reads_exactly_what_each_grant_state_allows(
    client: httpx.AsyncClient, db: asyncpg.Connection, role: str, state: str
) -> None:
    world = await build_world(db, state)
    credentials = world.credentials[role]
    parts = readable(role, state)

    # node(id:) on the person, then each part through the person
    person = await gql(client, NODE_PERSON, {"id": world.ids["Person"]}, **credentials)
    missing = await gql(client, NODE_PERSON, {"id": to_global_id("Person", 2**40)}, **credentials)
    if "PERSON" in parts:
        assert person["data"]["node"]["id"] == world.ids["Person"]
        assert_person_reads(person["data"]["node"], person.get("errors", []), ["node"], parts)
    else:
        assert person == missing == {"data": {"node": None}}, person

    # node(id:) on each object: the object, or null exactly like a missing one
    for type_name, part in OBJECT_PARTS.items():
        found = await gql(client, NODE, {"id": world.ids[type_name]}, **credentials)
        if part in parts:
            assert found == {"data": {"node": {"__typename": type_name, "id": world.ids[type_name]}}}, found
        else:
            assert found == {"data": {"node": None}}, (type_name, found)

    # me, with the dependant and the granted paths
    me = await gql(client, ME, **credentials)
    if role in ("partner", "anonymous"):
        assert me["data"] == {"me": None} and [e["extensions"]["code"] for e in me["errors"]] == ["UNAUTHENTICATED"]
    else:
        assert me["data"] is not None, me
        mine = me["data"]["me"]
        assert (mine["id"] == world.ids["Person"]) is (role == "owner")
        assert (mine["currentCard"] is not None) is (role == "owner")
        for path, via in (("dependants", "guardian"), ("grantedPersons", "grantee")):
            listed = [i for i, p in enumerate(mine[path]) if p["id"] == world.ids["Person"]]
            if role == via and parts:
                assert len(listed) == 1, (path, mine[path])
                assert_person_reads(mine[path][listed[0]], me.get("errors", []), ["me", path, listed[0]], parts)
            else:
                assert listed == [], (path, mine[path])

    # every read by someone else is in the owner's access log, under the guardianship or the grant
    logged = await db.fetch("select actor_kind, actor_ref, grant_id, data_categories from access_log "
                            "where person_id = $1", world.owner.id)
    if role in ("guardian", "grantee") and parts:
        assert {row["actor_ref"] for row in logged} == {str(world.person_ids[role])}
        assert {row["actor_kind"] for row in logged} == {role.upper()}
        assert {row["grant_id"] for row in logged} == {world.grant_id if role == "grantee" else None}
        assert {c for row in logged for c in row["data_categories"]} == parts
    else:
        assert logged == [], logged


def test_each_personal_type_is_one_part_and_the_access_log_is_the_persons_alone() -> None:
    parts = {cls.__name__: cls.access_part for cls in PERSONAL_TYPES}

    assert parts == {
        "Person": "PERSON",
        "InsuranceCard": "CARD",
        "ContributionPeriod": "CONTRIBUTIONS",
        "ContributionSummary": "CONTRIBUTIONS",
        "SchemeMonths": "CONTRIBUTIONS",
        "Benefit": "BENEFITS",
        "Pension": "BENEFITS",
        "MedicalVisit": "VISITS",
        "MedicalVisitYear": "VISITS",
        "AccessLogEntry": None,
        # the inbox and the devices are the person's alone, like the access log
        "InboxConnection": None,
        "InboxMessage": None,
        "InboxPreference": None,
        "Device": None,
        # an application is the person's alone too (and its competent agency's officers')
        "Application": None,
    }
