"""The lifecycle of an application: submit (idempotent), review, decide, cancel; each transition recorded with who
and when; the officer of another agency sees and decides nothing."""

from __future__ import annotations

import asyncpg
import httpx

from tests.factories import make_agency, make_citizen
from tests.graphql import contract, gql
from tests.resolvers.applications.support import (
    CANCEL,
    DECIDE,
    MINE,
    QUEUE,
    REVIEW,
    act,
    key,
    office,
    officer_of,
    submit,
)

REISSUE = {"cardReissue": {"reason": "LOST"}}


async def test_a_submission_waits_for_the_agency_and_is_listed_for_its_owner(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # Given a citizen with a card in force
    desk = await office(db)
    # When they apply for a reissue
    payload = await submit(client, desk.citizen.token, **REISSUE)
    # Then the application is SUBMITTED, its one transition by the citizen, and it shows in their list
    application = payload["application"]
    assert (payload["errors"], application["kind"], application["status"]) == ([], "CARD_REISSUE", "SUBMITTED")
    assert application["request"]["reissueReason"] == "LOST"
    assert application["transitions"] == [
        {"fromStatus": None, "toStatus": "SUBMITTED", "actorKind": "CITIZEN", "reason": None}
    ]
    mine = (await gql(client, MINE, token=desk.citizen.token))["data"]["me"]["applications"]
    assert [edge["node"]["id"] for edge in mine["edges"]] == [application["id"]]
    # and nobody else's list holds it
    other = await make_citizen(db)
    theirs = (await gql(client, MINE, token=other.token))["data"]["me"]["applications"]
    assert theirs["totalCount"] == 0


async def test_a_retried_submission_is_the_same_application_and_another_input_is_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    desk = await office(db)
    same_key = key()
    first = await submit(client, desk.citizen.token, idempotency_key=same_key, **REISSUE)
    # When the phone retries with the same key and input
    again = await submit(client, desk.citizen.token, idempotency_key=same_key, **REISSUE)
    # Then it is the same application, written once
    assert again["application"]["id"] == first["application"]["id"]
    assert await db.fetchval("select count(*) from applications where person_id = $1", desk.citizen.id) == 1
    # When the same key comes with another input
    other = await submit(client, desk.citizen.token, idempotency_key=same_key, cardReissue={"reason": "DAMAGED"})
    # Then it is refused and nothing is written
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await db.fetchval("select count(*) from applications where person_id = $1", desk.citizen.id) == 1


async def test_a_submission_names_exactly_one_kind_and_a_usable_key(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    desk = await office(db)
    two = await submit(client, desk.citizen.token, **REISSUE, primaryFacilityChange={"facilityCode": "01T00"})
    none = await submit(client, desk.citizen.token)
    short = await submit(client, desk.citizen.token, idempotency_key="abc", **REISSUE)
    assert [e["code"] for e in two["errors"] + none["errors"]] == ["INVALID_INPUT", "INVALID_INPUT"]
    assert [(e["code"], e["field"]) for e in short["errors"]] == [("INVALID_INPUT", "idempotencyKey")]
    assert await db.fetchval("select count(*) from applications where person_id = $1", desk.citizen.id) == 0


async def test_the_citizen_cancels_before_review_and_not_after(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    desk = await office(db)
    first = (await submit(client, desk.citizen.token, **REISSUE))["application"]["id"]
    second = (await submit(client, desk.citizen.token, **REISSUE))["application"]["id"]
    # When the first is cancelled before review
    cancelled = await act(client, CANCEL, desk.citizen.token, id=first)
    # and the second taken into review, then cancelled
    reviewed = await act(client, REVIEW, desk.officer_token, id=second)
    late = await act(client, CANCEL, desk.citizen.token, id=second)
    # Then the first is CANCELLED, the second stays IN_REVIEW
    assert cancelled["application"]["status"] == "CANCELLED"
    assert reviewed["application"]["status"] == "IN_REVIEW"
    assert [e["code"] for e in late["errors"]] == ["NOT_CANCELLABLE"]
    # and a cancelled application cannot be decided
    decided = await act(client, DECIDE, desk.officer_token, id=first, decision="APPROVE")
    assert [e["code"] for e in decided["errors"]] == ["ALREADY_DECIDED"]
    # and another citizen cannot cancel someone's application (not found, as if it did not exist)
    other = await make_citizen(db)
    theirs = await act(client, CANCEL, other.token, id=second)
    assert [e["code"] for e in theirs["errors"]] == ["NOT_FOUND"]


async def test_the_officer_rejects_with_a_reason_and_the_citizen_is_told(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    desk = await office(db)
    application = (await submit(client, desk.citizen.token, **REISSUE))["application"]["id"]
    # When the officer rejects without a reason, then with one
    bare = await act(client, DECIDE, desk.officer_token, id=application, decision="REJECT")
    rejected = await act(
        client, DECIDE, desk.officer_token, id=application, decision="REJECT", reason="Thẻ cũ vẫn còn sử dụng được"
    )
    # Then the first is refused, the second rejects it through review, with the reason and the officer's name kept
    assert [(e["code"], e["field"]) for e in bare["errors"]] == [("INVALID_INPUT", "reason")]
    decided = rejected["application"]
    assert (decided["status"], decided["rejectionReason"]) == ("REJECTED", "Thẻ cũ vẫn còn sử dụng được")
    assert [(t["fromStatus"], t["toStatus"], t["actorKind"]) for t in decided["transitions"]] == [
        (None, "SUBMITTED", "CITIZEN"), ("SUBMITTED", "IN_REVIEW", "AGENCY_OFFICER"),
        ("IN_REVIEW", "REJECTED", "AGENCY_OFFICER"),
    ]
    officers = await db.fetch(
        "select actor_id from application_transitions where person_id = $1 and actor_kind = 'AGENCY_OFFICER'",
        desk.citizen.id,
    )
    assert len(officers) == 2 and all(row["actor_id"] is not None for row in officers)
    # and the citizen finds the decision in the inbox, and by SMS
    message = await db.fetchrow(
        "select title, body, link_kind from inbox_messages where person_id = $1 and kind = 'APPLICATION_DECISION'",
        desk.citizen.id,
    )
    assert message is not None and "Thẻ cũ vẫn còn sử dụng được" in message["body"]
    assert message["link_kind"] == "APPLICATION"
    sms = await db.fetchval(
        "select count(*) from notification_outbox where person_id = $1 and channel = 'SMS'", desk.citizen.id
    )
    assert sms == 1
    # and deciding again is refused
    twice = await act(client, DECIDE, desk.officer_token, id=application, decision="APPROVE")
    assert [e["code"] for e in twice["errors"]] == ["ALREADY_DECIDED"]


async def test_an_officer_of_another_agency_sees_and_decides_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    desk = await office(db)
    application = (await submit(client, desk.citizen.token, **REISSUE))["application"]["id"]
    other_agency, _ = await make_agency(db, "BHXH khu vực khác")
    stranger = await officer_of(db, other_agency)
    # When the other agency's officer lists, reviews and decides
    queue = (await gql(client, QUEUE, token=stranger))["data"]["applicationQueue"]
    reviewed = await act(client, REVIEW, stranger, id=application)
    decided = await act(client, DECIDE, stranger, id=application, decision="APPROVE")
    # Then the application is not there, as if it did not exist, and it is unchanged
    assert queue["totalCount"] == 0
    assert [e["code"] for e in reviewed["errors"] + decided["errors"]] == ["NOT_FOUND", "NOT_FOUND"]
    assert await db.fetchval("select status from applications where person_id = $1", desk.citizen.id) == "SUBMITTED"
    # while the competent agency's officer finds it, filtered by kind and status, and the read is logged
    own = (await gql(client, QUEUE, {"filter": {"kind": "CARD_REISSUE", "status": "SUBMITTED"}},
                     token=desk.officer_token))["data"]["applicationQueue"]
    assert [edge["node"]["id"] for edge in own["edges"]] == [application]
    none = (await gql(client, QUEUE, {"filter": {"status": "APPROVED"}}, token=desk.officer_token))
    assert none["data"]["applicationQueue"]["totalCount"] == 0
    logged = await db.fetchval(
        "select count(*) from access_log where person_id = $1 and actor_kind = 'AGENCY_OFFICER'", desk.citizen.id
    )
    assert logged == 1


async def test_a_citizen_is_no_officer(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    desk = await office(db)
    application = (await submit(client, desk.citizen.token, **REISSUE))["application"]["id"]
    result = await gql(client, DECIDE, {"id": application, "decision": "APPROVE"}, token=desk.citizen.token)
    queue = await gql(client, QUEUE, token=desk.citizen.token)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_clients_documents_carry_the_whole_flow(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    desk = await office(db)
    # The citizen submits and follows; the officer lists, takes into review and approves; the citizen follows
    submitted = await gql(client, contract("mobile/SubmitApplication"),
                          {"input": {"idempotencyKey": key(), **REISSUE}}, token=desk.citizen.token)
    application = submitted["data"]["submitApplication"]["application"]
    queue = await gql(client, contract("staff/ApplicationQueue"), {"filter": {"status": "SUBMITTED"}},
                      token=desk.officer_token)
    listed = queue["data"]["applicationQueue"]["edges"][0]["node"]
    assert (listed["id"], listed["applicantCode"]) == (application["id"], desk.citizen.social_insurance_code)
    decide = contract("staff/DecideApplication")
    reviewed = await gql(client, decide, {"id": application["id"]}, token=desk.officer_token,
                         operation_name="ReviewApplication")
    approved = await gql(client, decide, {"id": application["id"], "decision": "APPROVE"}, token=desk.officer_token,
                         operation_name="DecideApplication")
    followed = await gql(client, contract("mobile/Applications"), {"first": 10}, token=desk.citizen.token)
    node = followed["data"]["me"]["applications"]["edges"][0]["node"]
    assert reviewed["data"]["reviewApplication"]["application"]["status"] == "IN_REVIEW"
    assert approved["data"]["decideApplication"]["application"]["status"] == "APPROVED"
    assert [t["toStatus"] for t in node["transitions"]] == ["SUBMITTED", "IN_REVIEW", "APPROVED"]
    assert node["payment"] is None
    # and cancelling a decided application is refused
    cancelled = await gql(client, contract("mobile/CancelApplication"), {"id": application["id"]},
                          token=desk.citizen.token)
    assert [e["code"] for e in cancelled["data"]["cancelApplication"]["errors"]] == ["NOT_CANCELLABLE"]
