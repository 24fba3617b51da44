"""The people, cards, facilities and documents of the application tests: a citizen with a card in force, managed by
an agency that has an officer, and a facility that accepts initial registration in the citizen's province."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from tests.factories import Citizen, add_card, add_facility, make_account, make_officer, open_session
from tests.graphql import gql

# The province's social insurance agency: its first agency code (the seed gives it before the local ones).
PROVINCIAL_AGENCY = """
select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' and province_code = $1 order by code limit 1
"""
TODAY = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)).date()

SUBMIT = """
mutation Submit($input: SubmitApplicationInput!) {
  submitApplication(input: $input) {
    application {
      id kind status amount applicantCode rejectionReason
      request { facilityCode reissueReason fullName address reason memberIds termMonths }
      changes { field before after }
      transitions { fromStatus toStatus actorKind reason }
    }
    errors { code field message }
  }
}
"""
CANCEL = """
mutation Cancel($id: ID!) {
  cancelApplication(id: $id) { application { id status } errors { code field } }
}
"""
REVIEW = """
mutation Review($id: ID!) {
  reviewApplication(id: $id) { application { id status } errors { code field } }
}
"""
DECIDE = """
mutation Decide($id: ID!, $decision: ApplicationDecision!, $reason: String) {
  decideApplication(id: $id, decision: $decision, reason: $reason) {
    application { id status rejectionReason changes { field before after }
                  transitions { fromStatus toStatus actorKind reason } }
    errors { code field }
  }
}
"""
QUEUE = """
query Queue($filter: ApplicationQueueFilter) {
  applicationQueue(filter: $filter, first: 50) { totalCount edges { node { id kind status applicantCode } } }
}
"""
MINE = """
query Mine { me { applications(first: 20) { totalCount edges { node { id kind status } } } } }
"""


@dataclass(frozen=True, slots=True)
class Office:
    """A citizen with a card in force, their agency, its officer's token, and an eligible facility's code."""

    citizen: Citizen
    agency_id: int
    officer_token: str
    card_id: int
    facility_code: str


async def open_window(db: asyncpg.Connection, days: int) -> None:
    """The facility-change rule in force from today: a window of `days` days per quarter (0: closed)."""
    await db.execute(
        """insert into facility_change_rules (effective_from, window_days, levels, same_province)
           values ($1, $2, array['COMMUNE', 'BASIC'], true)
           on conflict (effective_from) do update set window_days = excluded.window_days""",
        TODAY, days,
    )


async def new_facility(db: asyncpg.Connection, *, kind: str = "CLINIC", initial: bool = True,
                       province: str | None = None) -> str:
    province = province or await db.fetchval("select code from provinces order by code limit 1")
    while True:
        code = f"{province}T{secrets.randbelow(100):02d}"
        if not await db.fetchval("select exists (select 1 from facilities where code = $1)", code):
            break
    await add_facility(db, code, "Phòng khám Đa khoa Thử", kind=kind, flags=(True, initial, False))
    return code


async def officer_of(db: asyncpg.Connection, agency_id: int) -> str:
    officer = await make_officer(db, agency_id, person=await make_account(db, None, full_name="Lê Thị Cán Bộ"))
    return await open_session(db, officer.id)


async def office(db: asyncpg.Connection) -> Office:
    person = await make_account(db, None, full_name="Phạm Văn Nộp")
    citizen = Citizen(**dataclasses.asdict(person), token=await open_session(db, person.id))
    province = await db.fetchval("select province_code from people where id = $1", person.id)
    agency_id = await db.fetchval(PROVINCIAL_AGENCY, province)
    card_id = await add_card(
        db, person, valid_from=TODAY - dt.timedelta(days=200), valid_to=TODAY + dt.timedelta(days=300)
    )
    await db.execute("update insurance_cards set issued_at = now() - interval '200 days' where id = $1", card_id)
    return Office(citizen, agency_id, await officer_of(db, agency_id), card_id, await new_facility(db))


def key() -> str:
    return str(uuid.uuid4())


async def submit(client: httpx.AsyncClient, token: str, **kind: Any) -> dict[str, Any]:
    variables = {"input": {"idempotencyKey": kind.pop("idempotency_key", None) or key(), **kind}}
    result = await gql(client, SUBMIT, variables, token=token)
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["submitApplication"]
    return payload


async def act(client: httpx.AsyncClient, document: str, token: str, **variables: Any) -> dict[str, Any]:
    result = await gql(client, document, variables, token=token)
    assert "errors" not in result, result
    payload: dict[str, Any] = next(iter(result["data"].values()))
    return payload
