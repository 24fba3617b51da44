"""The partners' card check: every outcome, card facts only on a match, and the holder's access-log entry."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from resolvers import card_check
from tests.factories import make_partner_key
from tests.graphql import contract, error_codes, gql

VERIFY = contract("partner/VerifyInsuranceCard")
PARTNER = "Bệnh viện Thử Nghiệm"

CARD = """
select c.id, c.card_number, c.person_id, c.benefit_level, c.coverage_percent, c.valid_from, c.valid_to,
       p.full_name, p.date_of_birth, p.social_insurance_code, f.code as facility_code
from insurance_cards c join people p on p.id = c.person_id join facilities f on f.id = c.primary_facility_id
order by c.id limit 1
"""
# Make the chosen card the person's only one, valid over the given span (days from today).
SET_VALIDITY = """
with gone as (delete from insurance_cards where person_id = $1 and id <> $2)
update insurance_cards set valid_from = current_date + $3::integer, valid_to = current_date + $4::integer where id = $2
"""
ACCESS_LOG = "select actor_kind, actor_name, purpose, data_categories from access_log where person_id = $1 order by id"


async def a_card(db: asyncpg.Connection, valid_from_days: int = -30, valid_to_days: int = 300) -> asyncpg.Record:
    card = await db.fetchrow(CARD)
    assert card is not None
    await db.execute(SET_VALIDITY, card["person_id"], card["id"], valid_from_days, valid_to_days)
    refreshed = await db.fetchrow(CARD.replace("order by c.id", "where c.id = $1 order by c.id"), card["id"])
    assert refreshed is not None
    return refreshed


async def verify(client: httpx.AsyncClient, key: str | None, card: asyncpg.Record, **changes: Any) -> dict[str, Any]:
    variables = {
        "cardNumber": card["card_number"],
        "fullName": card["full_name"],
        "dateOfBirth": card["date_of_birth"].isoformat(),
        **changes,
    }
    return await gql(client, VERIFY, variables, api_key=key)


async def test_a_valid_card_answers_its_facts_and_is_logged(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    result = await verify(client, key, card)
    answer = result["data"]["verifyInsuranceCard"]
    assert answer["valid"] is True and answer["reason"] == "VALID"
    assert answer["cardNumber"] == card["card_number"]
    assert answer["benefitLevel"] == card["benefit_level"] and answer["coveragePercent"] == card["coverage_percent"]
    assert answer["validFrom"] == card["valid_from"].isoformat() and answer["validTo"] == card["valid_to"].isoformat()
    assert answer["primaryFacility"]["code"] == card["facility_code"]
    log = await db.fetch(ACCESS_LOG, card["person_id"])
    assert [tuple(r) for r in log] == [("PARTNER", PARTNER, "Kiểm tra thẻ BHYT", ["INSURANCE_CARD"])]


async def test_the_ten_digit_code_finds_the_card_too(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    result = await verify(client, key, card, cardNumber=card["social_insurance_code"])
    assert result["data"]["verifyInsuranceCard"]["reason"] == "VALID"
    assert result["data"]["verifyInsuranceCard"]["cardNumber"] == card["card_number"]


async def test_expired_and_not_yet_valid_cards(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    for span, reason in (((-400, -1), "EXPIRED"), ((5, 370), "NOT_YET_VALID")):
        card = await a_card(db, *span)
        answer = (await verify(client, key, card))["data"]["verifyInsuranceCard"]
        assert (answer["valid"], answer["reason"]) == (False, reason)
        assert answer["validTo"] == card["valid_to"].isoformat()


async def test_a_mismatch_answers_like_an_unknown_card(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    unknown = (await verify(client, key, card, cardNumber="DN4019999999999"))["data"]["verifyInsuranceCard"]
    for changes in ({"fullName": "Trần Thị Không Khớp"}, {"dateOfBirth": "1901-02-03"}):
        answer = (await verify(client, key, card, **changes))["data"]["verifyInsuranceCard"]
        # nothing tells a wrong name from a wrong birth date, or either from a card that does not exist
        assert answer == unknown == {
            "valid": False, "reason": "NOT_FOUND", "cardNumber": None, "benefitLevel": None, "coveragePercent": None,
            "validFrom": None, "validTo": None, "fiveYearsContinuousFrom": None, "primaryFacility": None,
        }
    # the attempts on the holder's card are in the holder's log
    assert len(await db.fetch(ACCESS_LOG, card["person_id"])) == 2


async def test_name_compares_without_diacritics_or_case(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    plain = await db.fetchval("select upper(search_fold($1))", card["full_name"])
    assert (await verify(client, key, card, fullName=plain))["data"]["verifyInsuranceCard"]["reason"] == "VALID"


async def test_an_unknown_card_is_not_found_and_logs_nothing(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    answer = (await verify(client, key, card, cardNumber="DN4019999999999"))["data"]["verifyInsuranceCard"]
    assert (answer["valid"], answer["reason"], answer["cardNumber"]) == (False, "NOT_FOUND", None)
    assert await db.fetchval("select count(*) from access_log") == 0


async def test_a_wrong_shape_is_invalid_input(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    for number in ("DN40", "12345678901", "'; select 1; --", "dn4" + "0" * 12 + "x"):
        result = await verify(client, key, card, cardNumber=number)
        assert error_codes(result) == ["INVALID_INPUT"], number
        assert result["errors"][0]["extensions"]["field"] == "cardNumber"


async def test_only_keys_with_card_verify_may_check(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    card = await a_card(db)
    directory_key = await make_partner_key(db, ["directory:read"], name=PARTNER)
    assert error_codes(await verify(client, None, card)) == ["UNAUTHENTICATED"]
    assert error_codes(await verify(client, "not-a-key", card)) == ["UNAUTHENTICATED"]
    assert error_codes(await verify(client, directory_key, card)) == ["FORBIDDEN"]
    assert await db.fetchval("select count(*) from access_log") == 0


async def test_guessing_a_birth_date_runs_out_of_tries_long_before_it_could_succeed(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given a key that knows a holder's card and name, guessing the birth date
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    guesses = [f"1950-01-{day:02d}" for day in range(1, 1 + card_check.BUDGET.misses_per_target)]
    answers = [(await verify(client, key, card, dateOfBirth=guess))["data"]["verifyInsuranceCard"] for guess in guesses]
    assert {answer["reason"] for answer in answers} == {"NOT_FOUND"}

    # then even the right date is refused for the day, for every key, and the same holds for a card that does not exist
    right = await verify(client, key, card)
    assert error_codes(right) == ["RATE_LIMITED"] and right["data"]["verifyInsuranceCard"] is None
    other_key = await make_partner_key(db, ["card:verify"], name="Bệnh viện Khác")
    assert error_codes(await verify(client, other_key, card)) == ["RATE_LIMITED"]
    unknown = [
        await verify(client, key, card, cardNumber="DN4019999999999", dateOfBirth=f"1950-02-{day:02d}")
        for day in range(1, 2 + card_check.BUDGET.misses_per_target)
    ]
    *missed, last = unknown
    assert [m["data"]["verifyInsuranceCard"]["reason"] for m in missed] == ["NOT_FOUND"] * len(missed)
    assert error_codes(last) == ["RATE_LIMITED"]


async def test_each_key_has_a_budget_per_minute_shown_in_headers(
    client: httpx.AsyncClient, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_check, "BUDGET", card_check.Budget(per_key=2))
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    variables = {
        "cardNumber": card["card_number"],
        "fullName": card["full_name"],
        "dateOfBirth": card["date_of_birth"].isoformat(),
    }
    body = {"query": VERIFY, "variables": variables}
    answers = [await client.post("/graphql/partner", json=body, headers={"X-API-Key": key}) for _ in range(3)]

    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["1", "0", "0"]
    assert answers[0].headers["x-ratelimit-limit"] == "2"
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(answers[2].headers["retry-after"]) >= 1

