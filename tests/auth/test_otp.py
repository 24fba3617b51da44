"""One-time codes: expiry, wrong tries, re-send limits."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.auth.support import sent_otp
from tests.factories import Person, make_person, registration_input
from tests.graphql import contract, gql

REQUEST_OTP = contract("mobile/RequestOtp")
SUBMIT = contract("mobile/SubmitRegistration")


async def request(client: httpx.AsyncClient, phone: str) -> dict[str, Any]:
    result = await gql(client, REQUEST_OTP, {"phone": phone, "purpose": "REGISTRATION"})
    payload: dict[str, Any] = result["data"]["requestOtp"]
    return payload


async def person_with_a_code(client: httpx.AsyncClient, db: asyncpg.Connection) -> tuple[Person, str]:
    """A person on record who has just asked for a registration code, and the code the SMS carried."""
    person = await make_person(db)
    await request(client, person.phone)
    return person, await sent_otp(db, person.phone)


async def submit_codes(client: httpx.AsyncClient, person: Person, agency_code: str, otp: str) -> list[str]:
    result = await gql(client, SUBMIT, {"input": registration_input(person, otp, agency_code)})
    return [e["code"] for e in result["data"]["submitRegistration"]["errors"]]


async def test_a_code_cannot_be_resent_within_a_minute_nor_too_often_in_an_hour(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    first = await request(client, "0912345678")
    too_soon = await request(client, "0912345678")
    for _ in range(4):
        await db.execute("delete from throttle_counters where key like 'otp:resend:%'")
        assert (await request(client, "0912345678"))["errors"] == []
    await db.execute("delete from throttle_counters where key like 'otp:resend:%'")
    sixth = await request(client, "0912345678")

    assert first["errors"] == [] and first["resendAvailableAt"] is not None
    assert [e["code"] for e in too_soon["errors"]] == ["OTP_RESEND_TOO_SOON"]
    assert too_soon["resendAvailableAt"] == first["resendAvailableAt"]
    assert [e["code"] for e in sixth["errors"]] == ["RATE_LIMITED"]
    assert await db.fetchval("select count(*) from notification_outbox where recipient = '0912345678'") == 5


async def test_an_expired_code_is_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str]
) -> None:
    person, otp = await person_with_a_code(client, db)
    await db.execute(
        "update otp_challenges set expires_at = now() - interval '1 second' where phone = $1", person.phone
    )

    assert await submit_codes(client, person, agency[1], otp) == ["OTP_EXPIRED"]


async def test_a_code_dies_after_five_wrong_tries(
    client: httpx.AsyncClient, db: asyncpg.Connection, agency: tuple[int, str]
) -> None:
    person, otp = await person_with_a_code(client, db)
    wrong = f"{(int(otp) + 1) % 1_000_000:06d}"

    tries = [await submit_codes(client, person, agency[1], wrong) for _ in range(5)]
    right_too_late = await submit_codes(client, person, agency[1], otp)

    assert tries == [["OTP_INVALID"]] * 4 + [["OTP_TOO_MANY_ATTEMPTS"]]
    assert right_too_late == ["OTP_TOO_MANY_ATTEMPTS"]


async def test_a_malformed_phone_is_invalid_input(client: httpx.AsyncClient) -> None:
    for phone in ["912345678", "０９１２３４５６７８", "+84912345678"]:
        payload = await request(client, phone)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", "phone")]
