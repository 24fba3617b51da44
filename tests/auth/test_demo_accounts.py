"""The seeded demo logins behave as their descriptions say: a check that the seed and the account rules agree."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from seed.demo import DEMO_LOGINS, DEMO_UNREGISTERED, PARTNER_API_KEY
from tests.auth.support import sent_otp
from tests.factories import registration_input
from tests.graphql import contract, error_codes, gql

LOGIN = contract("mobile/Login")
REQUEST_OTP = contract("mobile/RequestOtp")
SUBMIT = contract("mobile/SubmitRegistration")
PENDING = contract("staff/PendingRegistrations")
FACILITY_DIRECTORY = contract("partner/FacilityDirectory")


async def login(client: httpx.AsyncClient, code: str | None, password: str | None) -> dict[str, Any]:
    result = await gql(client, LOGIN, {"socialInsuranceCode": code, "password": password})
    payload: dict[str, Any] = result["data"]["login"]
    return payload


async def test_every_demo_login_logs_in_as_described(client: httpx.AsyncClient) -> None:
    for demo in DEMO_LOGINS:
        if demo.role == "partner":
            assert error_codes(await gql(client, FACILITY_DIRECTORY, {"first": 1}, api_key=PARTNER_API_KEY)) == []
            continue
        payload = await login(client, demo.social_insurance_code, demo.password)
        assert payload["errors"] == [], demo.role
        assert payload["mustChangePassword"] is (demo.role == "citizen_must_change_password")


async def test_the_unregistered_demo_person_registers_at_the_demo_officers_agency(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    officer = next(d for d in DEMO_LOGINS if d.role == "agency_officer")
    agency_code = await db.fetchval(
        """select f.code from agency_officers o
           join people p on p.id = o.person_id join facilities f on f.id = o.agency_id
           where p.social_insurance_code = $1""",
        officer.social_insurance_code,
    )
    person = DEMO_UNREGISTERED
    await gql(client, REQUEST_OTP, {"phone": person.phone, "purpose": "REGISTRATION"})
    registration = registration_input(person, await sent_otp(db, person.phone), agency_code, {"email": person.email})

    submitted = await gql(client, SUBMIT, {"input": registration})
    staff = await login(client, officer.social_insurance_code, officer.password)
    listed = await gql(client, PENDING, {"first": 50}, token=staff["accessToken"])

    assert submitted["data"]["submitRegistration"]["errors"] == []
    codes = [e["node"]["socialInsuranceCode"] for e in listed["data"]["registrations"]["edges"]]
    assert person.social_insurance_code in codes
