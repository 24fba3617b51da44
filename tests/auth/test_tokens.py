"""Tokens and one-time codes are stored as keyed hashes: unreadable without the server's key, and keys rotate."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Iterator

import asyncpg
import pytest

from auth.tokens import DEVELOPMENT_KEYS, configure_keys
from core.settings import Settings, load_settings
from tests.auth.support import sent_otp
from tests.clients import app_client
from tests.factories import PASSWORD, make_account, make_person
from tests.graphql import contract, gql

REQUEST_OTP = contract("mobile/RequestOtp")
LOGIN = contract("mobile/Login")
ME = "{ me { fullName } }"
OLD = ("old", "o" * 32)
NEW = ("new", "n" * 32)


@pytest.fixture(autouse=True)
def development_keys_after() -> Iterator[None]:
    # the keyring is the process's: whatever a test set, the next test starts with the development key again
    yield
    configure_keys(load_settings({}))


async def test_a_stored_code_is_not_the_plain_hash_of_its_value(settings: Settings, db_dsn: str) -> None:
    # given a code sent by SMS
    async with app_client(settings, db_dsn) as served:
        conn = await asyncpg.connect(db_dsn)
        try:
            person = await make_person(conn)
            await gql(served.http, REQUEST_OTP, {"phone": person.phone, "purpose": "REGISTRATION"})
            code = await sent_otp(conn, person.phone)
            stored = await conn.fetchval("select code_hash from otp_challenges where phone = $1", person.phone)
        finally:
            await conn.close()

    # then the table holds nothing a million SHA-256 tries could match without the key: the value's HMAC under the
    # server's (here the development) key, not its plain hash
    value = f"REGISTRATION:{person.phone}:{code}".encode()
    assert stored != hashlib.sha256(value).digest()
    assert stored == hmac.digest(DEVELOPMENT_KEYS[0][1].encode(), value, "sha256")


async def test_a_session_outlives_a_rotation_and_ends_with_its_key(settings: Settings, db_dsn: str) -> None:
    conn = await asyncpg.connect(db_dsn)
    try:
        citizen = await make_account(conn)
    finally:
        await conn.close()
    keyed = {"old": (OLD,), "both": (NEW, OLD), "new": (NEW,)}

    async def me(keys: str, token: str) -> dict[str, object]:
        async with app_client(dataclasses.replace(settings, secret_keys=keyed[keys]), db_dsn) as served:
            result: dict[str, object] = await gql(served.http, ME, token=token)
            return result

    # given a session opened while the old key signed
    async with app_client(dataclasses.replace(settings, secret_keys=keyed["old"]), db_dsn) as served:
        login = await gql(served.http, LOGIN, {"socialInsuranceCode": citizen.social_insurance_code,
                                               "password": PASSWORD})  # fmt: skip
    token = login["data"]["login"]["accessToken"]

    # when a new key is put first, the session still works; once the old key is dropped, it no longer does
    assert "errors" not in await me("both", token)
    dropped = await me("new", token)
    assert dropped["data"] == {"me": None}
