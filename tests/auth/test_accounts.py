"""Login, password change, expiry and reset, lock-out and recovery: through the GraphQL endpoint."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher

from auth.passwords import verify_password
from core.settings import Settings
from tests.auth.support import last_message, sent_otp
from tests.clients import app_client
from tests.factories import OTHER_PASSWORD, PASSWORD, Person, make_account
from tests.graphql import contract, error_codes, gql

LOGIN = contract("mobile/Login")
CHANGE_PASSWORD = contract("mobile/ChangePassword")
REQUEST_OTP = contract("mobile/RequestOtp")
RESET_PASSWORD = contract("mobile/ResetPassword")
MY_ACCOUNT = "query MyAccount { myAccount { mustChangePassword passwordExpiresAt } }"
LOCKED_LOGIN = """
mutation Login($socialInsuranceCode: String!, $password: String!) {
  login(socialInsuranceCode: $socialInsuranceCode, password: $password) { accessToken lockedUntil errors { code } }
}
"""


async def login(client: httpx.AsyncClient, code: str, password: str) -> dict[str, Any]:
    result = await gql(client, LOGIN, {"socialInsuranceCode": code, "password": password})
    payload: dict[str, Any] = result["data"]["login"]
    return payload


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


@pytest.fixture
async def elsewhere(settings: Settings, db_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    """A second client, on the same database, from another address."""
    async with app_client(settings, db_dsn, address="198.51.100.20") as served:
        yield served.http


async def test_unknown_code_and_wrong_password_get_the_same_answer(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    wrong = await login(client, citizen.social_insurance_code, "not the password")
    unknown = await login(client, "0000000001", "not the password")

    assert wrong == unknown
    assert codes(wrong) == ["INVALID_CREDENTIALS"] and wrong["accessToken"] is None
    events = await db.fetch(
        "select event, client_address::text, details from audit_events where event = 'login_failed'"
    )
    assert len(events) == 2 and {e["client_address"] for e in events} == {"203.0.113.7/32"}
    assert all("not the password" not in e["details"] for e in events)


@pytest.mark.parametrize(
    ("code", "password", "expected", "field"),
    [
        ("123456789", PASSWORD, "INVALID_INPUT", "socialInsuranceCode"),
        ("١٢٣٤٥٦٧٨٩٠", PASSWORD, "INVALID_INPUT", "socialInsuranceCode"),
        ("１２３４５６７８９０", PASSWORD, "INVALID_INPUT", "socialInsuranceCode"),
        ("0123456789", "x" * 129, "INVALID_INPUT", "password"),
    ],
)
async def test_malformed_login_input_is_refused_before_any_check(
    client: httpx.AsyncClient, code: str, password: str, expected: str, field: str
) -> None:
    result = await gql(client, LOGIN, {"socialInsuranceCode": code, "password": password})

    assert [(e["code"], e["field"]) for e in result["data"]["login"]["errors"]] == [(expected, field)]


async def test_login_records_the_session_and_the_audit_event(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    payload = await login(client, citizen.social_insurance_code, PASSWORD)

    assert payload["errors"] == [] and payload["mustChangePassword"] is False
    expires = dt.datetime.fromisoformat(payload["passwordExpiresAt"])
    assert dt.timedelta(days=179) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=180)
    mine = await gql(client, MY_ACCOUNT, token=payload["accessToken"])
    assert mine["data"]["myAccount"]["mustChangePassword"] is False
    stored = await db.fetchrow(
        "select access_token_hash, refresh_token_hash from sessions where person_id = $1", citizen.id
    )
    assert payload["accessToken"].encode() not in stored["access_token_hash"]
    assert (
        await db.fetchval("select count(*) from audit_events where event = 'login' and person_id = $1", citizen.id) == 1
    )


async def test_lockout_after_five_failures_spares_the_owner_elsewhere_and_recovers(
    client: httpx.AsyncClient, elsewhere: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    # Given five failures from one address
    for _ in range(5):
        await login(client, citizen.social_insurance_code, "wrong password")

    # When the right password is tried from that address, and from the owner's own address
    locked = await gql(
        client, LOCKED_LOGIN, {"socialInsuranceCode": citizen.social_insurance_code, "password": PASSWORD}
    )
    owner = await login(elsewhere, citizen.social_insurance_code, PASSWORD)

    # Then the attacker's address waits (a window, not a permanent lock); the owner is not locked out
    payload = locked["data"]["login"]
    assert codes(payload) == ["ACCOUNT_LOCKED"] and payload["accessToken"] is None
    until = dt.datetime.fromisoformat(payload["lockedUntil"])
    assert dt.timedelta(0) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=31)
    assert owner["errors"] == []

    # When the window has passed, the right password works again and the count starts afresh
    await db.execute("update throttle_counters set blocked_until = now() - interval '1 second'")
    recovered = await login(client, citizen.social_insurance_code, PASSWORD)
    assert recovered["errors"] == []
    assert await db.fetchval("select count(*) from throttle_counters where key like 'login:pair:%'") == 0


async def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_the_allowance(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    results = await asyncio.gather(*(login(client, citizen.social_insurance_code, f"wrong {i}") for i in range(8)))

    outcomes = sorted(codes(r)[0] for r in results)
    assert outcomes == ["ACCOUNT_LOCKED"] * 3 + ["INVALID_CREDENTIALS"] * 5
    assert await db.fetchval("select count from throttle_counters where key like 'login:pair:%'") == 5


async def test_a_right_password_takes_its_attempt_back(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    for _ in range(2):
        await login(client, citizen.social_insurance_code, "wrong password")

    assert (await login(client, citizen.social_insurance_code, PASSWORD))["errors"] == []

    counts = dict(await db.fetch("select key, count from throttle_counters where key like 'login:%'"))
    assert counts == {f"login:code:{citizen.social_insurance_code}": 2, "login:address:203.0.113.7": 2}


async def test_first_login_with_a_temporary_password_may_only_change_it(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    person = await make_account(db, PASSWORD, must_change=True)
    first = await login(client, person.social_insurance_code, PASSWORD)
    token = first["accessToken"]

    before = await gql(client, MY_ACCOUNT, token=token)
    weak = await gql(client, CHANGE_PASSWORD, {"currentPassword": PASSWORD, "newPassword": "matkhau123"}, token=token)
    changed = await gql(
        client, CHANGE_PASSWORD, {"currentPassword": PASSWORD, "newPassword": OTHER_PASSWORD}, token=token
    )
    after = await gql(client, MY_ACCOUNT, token=token)

    assert first["mustChangePassword"] is True
    assert error_codes(before) == ["PASSWORD_CHANGE_REQUIRED"]
    assert codes(weak["data"]["changePassword"]) == ["WEAK_PASSWORD"]
    assert changed["data"]["changePassword"]["ok"] is True
    assert after["data"]["myAccount"]["mustChangePassword"] is False
    assert (await login(client, person.social_insurance_code, OTHER_PASSWORD))["mustChangePassword"] is False


async def test_a_password_older_than_six_months_must_be_changed(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    await db.execute(
        "update accounts set password_changed_at = now() - interval '181 days' where person_id = $1", citizen.id
    )

    expired = await login(client, citizen.social_insurance_code, PASSWORD)
    denied = await gql(client, MY_ACCOUNT, token=expired["accessToken"])
    changed = await gql(
        client,
        CHANGE_PASSWORD,
        {"currentPassword": PASSWORD, "newPassword": OTHER_PASSWORD},
        token=expired["accessToken"],
    )

    assert expired["errors"] == [] and expired["mustChangePassword"] is True
    assert dt.datetime.fromisoformat(expired["passwordExpiresAt"]) < dt.datetime.now(dt.UTC)
    assert error_codes(denied) == ["PASSWORD_CHANGE_REQUIRED"]
    new_expiry = dt.datetime.fromisoformat(changed["data"]["changePassword"]["passwordExpiresAt"])
    assert new_expiry - dt.datetime.now(dt.UTC) > dt.timedelta(days=179)


async def test_changing_the_password_ends_every_other_session(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    phone = await login(client, citizen.social_insurance_code, PASSWORD)
    laptop = await login(client, citizen.social_insurance_code, PASSWORD)

    await gql(
        client,
        CHANGE_PASSWORD,
        {"currentPassword": PASSWORD, "newPassword": OTHER_PASSWORD},
        token=laptop["accessToken"],
    )

    assert error_codes(await gql(client, MY_ACCOUNT, token=phone["accessToken"])) == ["UNAUTHENTICATED"]
    assert "errors" not in await gql(client, MY_ACCOUNT, token=laptop["accessToken"])
    audited = await db.fetchval("select count(*) from audit_events where event = 'password_changed'")
    assert audited == 1


@pytest.mark.parametrize(
    ("current", "new", "expected"),
    [
        ("wrong password", OTHER_PASSWORD, "INVALID_CREDENTIALS"),
        (PASSWORD, PASSWORD, "PASSWORD_REUSED"),
        (PASSWORD, "short1!", "WEAK_PASSWORD"),
        (PASSWORD, "x" * 129, "WEAK_PASSWORD"),
        (PASSWORD, "anhyeuem123", "WEAK_PASSWORD"),
        (PASSWORD, "TranVanBinh!", "WEAK_PASSWORD"),
    ],
)
async def test_change_password_refusals(
    client: httpx.AsyncClient, citizen: Person, current: str, new: str, expected: str
) -> None:
    token = (await login(client, citizen.social_insurance_code, PASSWORD))["accessToken"]

    result = await gql(client, CHANGE_PASSWORD, {"currentPassword": current, "newPassword": new}, token=token)

    assert codes(result["data"]["changePassword"]) == [expected]
    assert result["data"]["changePassword"]["ok"] is False


async def test_change_password_needs_a_session(client: httpx.AsyncClient) -> None:
    result = await gql(client, CHANGE_PASSWORD, {"currentPassword": PASSWORD, "newPassword": OTHER_PASSWORD})

    assert error_codes(result) == ["UNAUTHENTICATED"]


async def test_reset_with_a_code_sent_to_the_accounts_phone(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    # Given a session, a lock-out, and a reset code sent to the account's phone
    session = await login(client, citizen.social_insurance_code, PASSWORD)
    for _ in range(5):
        await login(client, citizen.social_insurance_code, "wrong password")
    await gql(client, REQUEST_OTP, {"phone": citizen.phone, "purpose": "PASSWORD_RESET"})
    otp = await sent_otp(db, citizen.phone)
    variables = {"socialInsuranceCode": citizen.social_insurance_code, "otp": otp, "newPassword": OTHER_PASSWORD}

    # When the person resets, and someone replays the same code
    reset = await gql(client, RESET_PASSWORD, variables)
    replayed = await gql(client, RESET_PASSWORD, {**variables, "newPassword": "Mot-Mat-Khau-Khac-1"})

    # Then the new password works at once, every old session has ended, and the code served once
    assert reset["data"]["resetPassword"] == {"ok": True, "errors": []}
    assert codes(replayed["data"]["resetPassword"]) == ["OTP_INVALID"]
    assert error_codes(await gql(client, MY_ACCOUNT, token=session["accessToken"])) == ["UNAUTHENTICATED"]
    assert (await login(client, citizen.social_insurance_code, OTHER_PASSWORD))["errors"] == []


async def test_reset_answers_alike_for_a_phone_without_an_account(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    known = await gql(client, REQUEST_OTP, {"phone": citizen.phone, "purpose": "PASSWORD_RESET"})
    unknown = await gql(client, REQUEST_OTP, {"phone": "0912000111", "purpose": "PASSWORD_RESET"})
    no_account = await gql(
        client, RESET_PASSWORD, {"socialInsuranceCode": "0000000001", "otp": "123456", "newPassword": OTHER_PASSWORD}
    )

    assert known["data"]["requestOtp"].keys() == unknown["data"]["requestOtp"].keys()
    assert unknown["data"]["requestOtp"]["errors"] == [] and unknown["data"]["requestOtp"]["expiresAt"] is not None
    assert await last_message(db, "0912000111") is None
    assert await last_message(db, citizen.phone) is not None
    assert codes(no_account["data"]["resetPassword"]) == ["OTP_INVALID"]


async def test_login_rehashes_a_password_hashed_with_old_parameters(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    await db.execute("update accounts set password_hash = $2 where person_id = $1", citizen.id, old)

    assert (await login(client, citizen.social_insurance_code, PASSWORD))["errors"] == []

    stored = await db.fetchval("select password_hash from accounts where person_id = $1", citizen.id)
    assert stored != old and verify_password(stored, PASSWORD)


async def test_guessing_the_current_password_through_a_session_is_throttled(
    client: httpx.AsyncClient, citizen: Person, db: asyncpg.Connection
) -> None:
    # given a session in someone else's hands, guessing the current password
    token = (await login(client, citizen.social_insurance_code, PASSWORD))["accessToken"]

    async def change(current: str) -> dict[str, Any]:
        variables = {"currentPassword": current, "newPassword": OTHER_PASSWORD}
        result = await gql(client, CHANGE_PASSWORD, variables, token=token)
        payload: dict[str, Any] = result["data"]["changePassword"]
        return payload

    guesses = [codes(await change(f"guess number {n}")) for n in range(5)]
    # then after five wrong guesses even the right password is refused for a while, and nothing changed
    blocked = await change(PASSWORD)
    assert guesses == [["INVALID_CREDENTIALS"]] * 5
    assert codes(blocked) == ["RATE_LIMITED"] and blocked["ok"] is False
    assert await db.fetchval("select count(*) from audit_events where event = 'password_changed'") == 0


async def _reset_codes(http: httpx.AsyncClient, code: str, otp: str) -> list[str]:
    variables = {"socialInsuranceCode": code, "otp": otp, "newPassword": OTHER_PASSWORD}
    return codes((await gql(http, RESET_PASSWORD, variables))["data"]["resetPassword"])


async def test_a_stranger_guessing_reset_codes_learns_nothing_and_burns_nothing(
    settings: Settings, db_dsn: str, db: asyncpg.Connection, citizen: Person
) -> None:
    async with app_client(settings, db_dsn, address="192.0.2.66") as stranger, \
            app_client(settings, db_dsn, address="198.51.100.7") as owner:  # fmt: skip
        # given the owner's live reset code
        await gql(owner.http, REQUEST_OTP, {"phone": citizen.phone, "purpose": "PASSWORD_RESET"})
        otp = await sent_otp(db, citizen.phone)
        wrong = f"{(int(otp) + 1) % 1_000_000:06d}"

        # when a stranger guesses codes for the owner's social insurance code, and for one with no account
        for_owner = [await _reset_codes(stranger.http, citizen.social_insurance_code, wrong) for _ in range(7)]
        for_nobody = [await _reset_codes(stranger.http, "0000000002", wrong) for _ in range(7)]

        # then both answer alike (nothing tells an account apart), the stranger is slowed down
        assert for_owner == for_nobody
        assert for_owner[:5] == [["OTP_INVALID"]] * 5 and for_owner[-1] == ["RATE_LIMITED"]
        # and the owner's code still works from the owner's phone
        assert await _reset_codes(owner.http, citizen.social_insurance_code, otp) == []
