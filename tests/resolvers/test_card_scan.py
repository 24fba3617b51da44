"""The partners' check of a scanned card QR code: every outcome, the database's word over the signature, the access
log, keys that rotate, and the budgets it shares with the check by card number."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import asyncpg
import httpx

from auth.card_payload import CardFacts
from auth.card_signing import CardSigner, card_signer
from core.settings import Settings
from tests.clients import app_client
from tests.factories import make_partner_key
from tests.graphql import contract, error_codes, gql
from tests.resolvers.test_card_check import ACCESS_LOG, PARTNER, a_card, verify

SCANNED = contract("partner/VerifyScannedCard")
KEYS = contract("partner/CardSigningKeys")
FACTS = """
select c.card_number, p.full_name, p.date_of_birth, c.valid_from, c.valid_to,
       (c.issued_at at time zone 'Asia/Ho_Chi_Minh')::date as issued_on, c.five_years_continuous_from,
       f.code as primary_facility_code
from insurance_cards c join people p on p.id = c.person_id join facilities f on f.id = c.primary_facility_id
where c.id = $1
"""
OLD = ("c2026", bytes(range(32)))
NEW = ("c2027", bytes(range(32, 64)))


async def facts_of(db: asyncpg.Connection, card_id: int) -> CardFacts:
    row = await db.fetchrow(FACTS, card_id)
    assert row is not None
    return CardFacts(**dict(row))


async def scan(client: httpx.AsyncClient, key: str | None, qr: str) -> dict[str, Any]:
    result = await gql(client, SCANNED, {"qr": qr}, api_key=key)
    return result


def answer(result: dict[str, Any]) -> tuple[bool, str]:
    check = result["data"]["verifyInsuranceCard"]
    return check["valid"], check["reason"]


async def test_a_scanned_card_is_valid_with_its_facts_and_logged(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    qr = card_signer(settings).sign(await facts_of(db, card["id"]))

    result = await scan(client, key, qr)

    check = result["data"]["verifyInsuranceCard"]
    assert (check["valid"], check["reason"], check["cardNumber"]) == (True, "VALID", card["card_number"])
    assert check["validTo"] == card["valid_to"].isoformat()
    assert check["primaryFacility"]["code"] == card["facility_code"]
    log = await db.fetch(ACCESS_LOG, card["person_id"])
    assert [tuple(r) for r in log] == [("PARTNER", PARTNER, "Kiểm tra thẻ BHYT", ["INSURANCE_CARD"])]


async def test_a_changed_byte_is_tampered_and_reads_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    qr = card_signer(settings).sign(await facts_of(db, card["id"]))
    raw = bytearray(base64.urlsafe_b64decode(qr + "=" * (-len(qr) % 4)))
    raw[-65] ^= 0x01  # the last byte of the facility code, just before the signature
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    for text in (tampered, "SGVsbG8gd29ybGQ", qr[:-3]):
        result = await scan(client, key, text)
        assert answer(result) == (False, "TAMPERED")
        assert result["data"]["verifyInsuranceCard"]["cardNumber"] is None
    assert await db.fetchval("select count(*) from access_log") == 0


async def test_a_payload_of_a_key_the_service_does_not_hold_is_unknown_key(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    qr = CardSigner([NEW]).sign(await facts_of(db, card["id"]))

    assert answer(await scan(client, key, qr)) == (False, "UNKNOWN_KEY")
    assert await db.fetchval("select count(*) from access_log") == 0


async def test_an_expired_and_a_future_card_answer_so(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    for span, reason in (((-400, -1), "EXPIRED"), ((5, 370), "NOT_YET_VALID")):
        card = await a_card(db, *span)
        qr = card_signer(settings).sign(await facts_of(db, card["id"]))
        result = await scan(client, key, qr)
        assert answer(result) == (False, reason)
        assert result["data"]["verifyInsuranceCard"]["validTo"] == card["valid_to"].isoformat()


async def test_a_revoked_or_reissued_card_is_revoked_though_its_signature_holds(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    qr = card_signer(settings).sign(await facts_of(db, card["id"]))
    assert answer(await scan(client, key, qr)) == (True, "VALID")

    # a reissue (lost card): same number and validity, a new issue date; the old picture no longer speaks for it
    await db.execute("update insurance_cards set issued_at = issued_at + interval '2 days' where id = $1", card["id"])
    assert answer(await scan(client, key, qr)) == (False, "REVOKED")
    reissued = card_signer(settings).sign(await facts_of(db, card["id"]))
    assert answer(await scan(client, key, reissued)) == (True, "VALID")

    # revoked by the agency: no picture of it is valid, nor a check by number
    await db.execute("update insurance_cards set revoked_at = now() where id = $1", card["id"])
    assert answer(await scan(client, key, reissued)) == (False, "REVOKED")
    assert answer(await verify(client, key, card)) == (False, "REVOKED")
    assert len(await db.fetch(ACCESS_LOG, card["person_id"])) == 5


async def test_a_payload_of_a_card_not_on_record_is_not_found(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    facts = await facts_of(db, card["id"])
    qr = card_signer(settings).sign(dataclasses.replace(facts, valid_from=facts.valid_from.replace(year=2001)))

    assert answer(await scan(client, key, qr)) == (False, "NOT_FOUND")


async def test_after_rotation_the_old_key_still_verifies_and_the_new_one_signs(
    db: asyncpg.Connection, settings: Settings, db_dsn: str
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    facts = await facts_of(db, card["id"])
    signed_before = CardSigner([OLD]).sign(facts)
    rotated = dataclasses.replace(settings, card_signing_keys=(NEW, OLD))

    async with app_client(rotated, db_dsn) as served:
        assert answer(await scan(served.http, key, signed_before)) == (True, "VALID")
        assert answer(await scan(served.http, key, card_signer(rotated).sign(facts))) == (True, "VALID")
        published = (await gql(served.http, KEYS))["data"]["cardSigningKeys"]
    assert [(k["keyId"], k["signing"], k["algorithm"]) for k in published] == [
        ("c2027", True, "Ed25519"), ("c2026", False, "Ed25519")
    ]
    assert [len(base64.urlsafe_b64decode(k["publicKey"] + "=")) for k in published] == [32, 32]
    retired = dataclasses.replace(settings, card_signing_keys=(NEW,))
    async with app_client(retired, db_dsn) as served:
        assert answer(await scan(served.http, key, signed_before)) == (False, "UNKNOWN_KEY")


async def test_scans_spend_the_budgets_of_the_card_number_check(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    qr = card_signer(settings).sign(await facts_of(db, card["id"]))
    # ten checks of this card number that match no holder (a birth date being guessed) ...
    for day in range(1, 11):
        await verify(client, key, card, dateOfBirth=f"1950-01-{day:02d}")

    # ... and a scan of the same card is refused for the day too; the per-key budget is announced the same way
    response = await client.post("/graphql/partner", json={"query": SCANNED, "variables": {"qr": qr}},
                                 headers={"X-API-Key": key})
    assert error_codes(response.json()) == ["RATE_LIMITED"]
    assert response.headers["x-ratelimit-remaining"] == str(600 - 11)


async def test_bad_input_and_wrong_combinations_are_invalid_input(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    query = """query Q($n: String, $c: String, $q: String, $f: String, $d: Date) {
      verifyInsuranceCard(cardNumber: $n, citizenId: $c, qr: $q, fullName: $f, dateOfBirth: $d) { reason } }"""
    cases = [
        ({}, "qr"),
        ({"n": "DN4010190000001", "q": "AQ"}, "qr"),
        ({"n": "DN4010190000001", "c": "001090000001", "f": "A", "d": "1990-01-01"}, "citizenId"),
        ({"q": "AQ", "f": "Nguyễn Văn An"}, "qr"),
        ({"q": "A" * 601}, "qr"),
        ({"q": "   "}, "qr"),
        ({"n": "DN4010190000001", "d": "1990-01-01"}, "fullName"),
        ({"c": "001090000001", "f": "Nguyễn Văn An"}, "dateOfBirth"),
    ]
    for variables, field in cases:
        result = await gql(client, query, variables, api_key=key)
        assert error_codes(result) == ["INVALID_INPUT"], variables
        assert result["errors"][0]["extensions"]["field"] == field, variables
        assert result["data"]["verifyInsuranceCard"] is None
    assert error_codes(await scan(client, None, "AQ")) == ["UNAUTHENTICATED"]
