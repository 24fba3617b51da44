"""Registration as the agency runs it, through the GraphQL endpoint: OTP, submission, the agency's decision."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from tests.auth.support import last_message, sent_otp
from tests.factories import PASSWORD, Person, make_agency, make_officer, make_person, registration_input
from tests.graphql import contract, error_codes, gql

REQUEST_OTP = contract("mobile/RequestOtp")
SUBMIT = contract("mobile/SubmitRegistration")
LOGIN = contract("mobile/Login")
PENDING = contract("staff/PendingRegistrations")
DECIDE = contract("staff/DecideRegistration")


EMAIL = "anh@example.com"


def with_email(person: Person, otp: str, agency_code: str, changes: dict[str, str] | None = None) -> dict[str, Any]:
    return registration_input(person, otp, agency_code, {"email": EMAIL, **(changes or {})})


async def login(client: httpx.AsyncClient, code: str, password: str) -> dict[str, Any]:
    result = await gql(client, LOGIN, {"socialInsuranceCode": code, "password": password})
    payload: dict[str, Any] = result["data"]["login"]
    return payload


async def submit(client: httpx.AsyncClient, db: asyncpg.Connection, person: Person, agency_code: str) -> dict[str, Any]:
    """Ask for a code, read it off the outbox as the phone would, and submit."""
    sent = await gql(client, REQUEST_OTP, {"phone": person.phone, "purpose": "REGISTRATION"})
    assert sent["data"]["requestOtp"]["errors"] == []
    otp = await sent_otp(db, person.phone)
    result = await gql(client, SUBMIT, {"input": with_email(person, otp, agency_code)})
    payload: dict[str, Any] = result["data"]["submitRegistration"]
    return payload


async def test_registration_is_approved_and_the_person_logs_in_with_the_temporary_password(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str], officer: Person
) -> None:
    # Given a person on record without an account
    person = await make_person(db)

    # When they ask for a code, then submit with it
    sent = await gql(client, REQUEST_OTP, {"phone": person.phone, "purpose": "REGISTRATION"})
    otp = await sent_otp(db, person.phone)
    result = await gql(client, SUBMIT, {"input": with_email(person, otp, agency[1])})

    # Then the answer never holds the code, and the registration waits at the agency with instructions
    assert otp not in str(sent)
    assert sent["data"]["requestOtp"]["expiresAt"] is not None
    registration = result["data"]["submitRegistration"]["registration"]
    assert result["data"]["submitRegistration"]["errors"] == []
    assert registration["status"] == "PENDING"
    assert registration["agency"]["code"] == agency[1]
    assert "declaration" in registration["instructions"]

    # When the agency's officer lists pending registrations and approves this one
    staff = await login(client, officer.social_insurance_code, PASSWORD)
    listed = await gql(client, PENDING, {"first": 10}, token=staff["accessToken"])
    nodes = [edge["node"] for edge in listed["data"]["registrations"]["edges"]]
    assert [n["socialInsuranceCode"] for n in nodes] == [person.social_insurance_code]
    assert listed["data"]["registrations"]["totalCount"] == 1
    approved = await gql(
        client, DECIDE, {"id": registration["id"]}, operation_name="ApproveRegistration", token=staff["accessToken"]
    )

    # Then the account exists, and the person got the temporary password by SMS and word by e-mail
    decision = approved["data"]["approveRegistration"]
    assert decision["errors"] == []
    assert decision["registration"]["status"] == "APPROVED"
    assert decision["registration"]["decidedAt"] is not None
    sms = await last_message(db, person.phone)
    assert sms is not None and "Mat khau tam thoi" in sms
    assert await last_message(db, "anh@example.com", "EMAIL") is not None
    temporary = sms.split("Mat khau tam thoi: ")[1].split(" ")[0]
    assert temporary not in (await last_message(db, "anh@example.com", "EMAIL") or "")
    first = await login(client, person.social_insurance_code, temporary)
    assert first["errors"] == [] and first["mustChangePassword"] is True
    audited = await db.fetchval(
        "select count(*) from audit_events where event = 'registration_approved' and person_id = $1", person.id
    )
    assert audited == 1


async def test_rejection_tells_why_and_the_person_can_register_again(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str], officer: Person
) -> None:
    person = await make_person(db)
    registration = (await submit(client, db, person, agency[1]))["registration"]
    staff = await login(client, officer.social_insurance_code, PASSWORD)

    rejected = await gql(
        client,
        DECIDE,
        {"id": registration["id"], "reason": "Tờ khai thiếu chữ ký"},
        operation_name="RejectRegistration",
        token=staff["accessToken"],
    )

    decision = rejected["data"]["rejectRegistration"]
    assert decision["registration"]["status"] == "REJECTED"
    assert decision["registration"]["rejectionReason"] == "Tờ khai thiếu chữ ký"
    assert "thiếu chữ ký" in (await last_message(db, person.phone) or "")
    assert "thiếu chữ ký" in (await last_message(db, "anh@example.com", "EMAIL") or "")
    again = await gql(
        client, DECIDE, {"id": registration["id"]}, operation_name="ApproveRegistration", token=staff["accessToken"]
    )
    assert [e["code"] for e in again["data"]["approveRegistration"]["errors"]] == ["ALREADY_DECIDED"]
    await db.execute("delete from throttle_counters where key like 'otp:%'")
    assert (await submit(client, db, person, agency[1]))["registration"]["status"] == "PENDING"


async def test_registering_again_while_pending_or_registered_is_already_registered(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str], citizen: Person
) -> None:
    pending = await make_person(db)
    assert (await submit(client, db, pending, agency[1]))["errors"] == []
    await db.execute("delete from throttle_counters where key like 'otp:%'")

    twice = await submit(client, db, pending, agency[1])
    with_account = await submit(client, db, citizen, agency[1])

    assert [e["code"] for e in twice["errors"]] == ["ALREADY_REGISTERED"]
    assert [e["code"] for e in with_account["errors"]] == ["ALREADY_REGISTERED"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"socialInsuranceCode": "12345"}, ("INVALID_INPUT", "socialInsuranceCode")),
        ({"socialInsuranceCode": "١٢٣٤٥٦٧٨٩٠"}, ("INVALID_INPUT", "socialInsuranceCode")),  # Arabic-Indic digits
        (
            {"socialInsuranceCode": "１２３４５６７８９０"},
            ("INVALID_INPUT", "socialInsuranceCode"),
        ),  # full-width digits
        ({"nationalIdNumber": "12345678901"}, ("INVALID_INPUT", "nationalIdNumber")),
        ({"otp": "12345"}, ("INVALID_INPUT", "otp")),
        ({"agencyCode": "99ZZZ"}, ("UNKNOWN_AGENCY", "agencyCode")),
        ({"fullName": "Nguyễn Thị Bích"}, ("REGISTRATION_MISMATCH", None)),
        ({"dateOfBirth": "1990-03-13"}, ("REGISTRATION_MISMATCH", None)),
    ],
)
async def test_bad_input_is_a_stable_error_code(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    agency: tuple[int, str],
    changes: dict[str, str],
    expected: tuple[str, str | None],
) -> None:
    person = await make_person(db)
    await gql(client, REQUEST_OTP, {"phone": person.phone, "purpose": "REGISTRATION"})
    otp = await sent_otp(db, person.phone)

    result = await gql(client, SUBMIT, {"input": with_email(person, otp, agency[1], changes)})

    assert "errors" not in result
    errors = result["data"]["submitRegistration"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [expected]
    assert await db.fetchval("select count(*) from registrations where person_id = $1", person.id) == 0


async def test_name_matches_regardless_of_case_and_spacing_but_not_diacritics(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str]
) -> None:
    person = await make_person(db)
    await gql(client, REQUEST_OTP, {"phone": person.phone, "purpose": "REGISTRATION"})
    otp = await sent_otp(db, person.phone)

    unaccented = await gql(
        client, SUBMIT, {"input": with_email(person, otp, agency[1], {"fullName": "Nguyen Thi Anh"})}
    )
    spaced = await gql(
        client, SUBMIT, {"input": with_email(person, otp, agency[1], {"fullName": " nguyễn  THỊ ánh "})}
    )

    assert [e["code"] for e in unaccented["data"]["submitRegistration"]["errors"]] == ["REGISTRATION_MISMATCH"]
    assert spaced["data"]["submitRegistration"]["errors"] == []


async def test_staff_see_and_decide_only_their_own_agency(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str], citizen: Person
) -> None:
    person = await make_person(db)
    registration = (await submit(client, db, person, agency[1]))["registration"]
    other_agency_id, _ = await make_agency(db, "BHXH khu vực khác")
    stranger = await make_officer(db, other_agency_id)
    staff = await login(client, stranger.social_insurance_code, PASSWORD)
    resident = await login(client, citizen.social_insurance_code, PASSWORD)

    listed = await gql(client, PENDING, {}, token=staff["accessToken"])
    decided = await gql(
        client, DECIDE, {"id": registration["id"]}, operation_name="ApproveRegistration", token=staff["accessToken"]
    )
    as_citizen = await gql(client, PENDING, {}, token=resident["accessToken"])
    anonymous = await gql(client, PENDING, {})

    assert listed["data"]["registrations"]["edges"] == []
    assert [e["code"] for e in decided["data"]["approveRegistration"]["errors"]] == ["NOT_FOUND"]
    assert error_codes(as_citizen) == ["FORBIDDEN"]
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert await db.fetchval("select status from registrations where person_id = $1", person.id) == "PENDING"


async def test_pending_registrations_page_oldest_first_and_are_access_logged(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str], officer: Person
) -> None:
    people = [await make_person(db) for _ in range(3)]
    for person in people:
        await submit(client, db, person, agency[1])
    token = (await login(client, officer.social_insurance_code, PASSWORD))["accessToken"]

    first = (await gql(client, PENDING, {"first": 2}, token=token))["data"]["registrations"]
    after = {"first": 2, "after": first["pageInfo"]["endCursor"]}
    second = (await gql(client, PENDING, after, token=token))["data"]["registrations"]
    bad_cursor = await gql(client, PENDING, {"after": "not-a-cursor"}, token=token)

    codes = [e["node"]["socialInsuranceCode"] for e in first["edges"] + second["edges"]]
    assert codes == [p.social_insurance_code for p in people]
    assert first["pageInfo"]["hasNextPage"] is True and second["pageInfo"]["hasNextPage"] is False
    assert first["totalCount"] == 3
    assert error_codes(bad_cursor) == ["INVALID_CURSOR"]
    logged = await db.fetchval(
        "select count(*) from access_log where actor_kind = 'AGENCY_OFFICER' and person_id = any($1::bigint[])",
        [p.id for p in people],
    )
    assert logged == 3
