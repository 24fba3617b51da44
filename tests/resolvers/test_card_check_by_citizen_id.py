"""The partners' check by chip ID card (CCCD): the holder's current card, by the same rule, limits and log entry as a
check by card number."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from resolvers import card_check
from tests.factories import make_partner_key
from tests.graphql import contract, error_codes, gql
from tests.resolvers.test_card_check import ACCESS_LOG, PARTNER, a_card, verify

BY_CITIZEN_ID = contract("partner/VerifyCardByCitizenId")
NATIONAL_ID = "select national_id from people where id = $1"


async def by_citizen_id(
    client: httpx.AsyncClient, key: str | None, card: asyncpg.Record, citizen_id: str, **changes: Any
) -> dict[str, Any]:
    variables = {
        "citizenId": citizen_id,
        "fullName": card["full_name"],
        "dateOfBirth": card["date_of_birth"].isoformat(),
        **changes,
    }
    return await gql(client, BY_CITIZEN_ID, variables, api_key=key)


async def a_card_with_citizen_id(db: asyncpg.Connection, *span: int) -> tuple[asyncpg.Record, str]:
    card = await a_card(db, *span)
    citizen_id = await db.fetchval(NATIONAL_ID, card["person_id"])
    if citizen_id is None:
        citizen_id = f"0{card['social_insurance_code']}9"  # 12 digits, unique as the code is
        await db.execute("update people set national_id = $2 where id = $1", card["person_id"], citizen_id)
    return card, citizen_id


async def test_a_citizen_id_answers_the_holders_current_card_and_is_logged(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card, citizen_id = await a_card_with_citizen_id(db)
    by_number = (await verify(client, key, card))["data"]["verifyInsuranceCard"]

    result = await by_citizen_id(client, key, card, " ".join([citizen_id[:6], citizen_id[6:]]))

    answer = result["data"]["verifyInsuranceCard"]
    assert (answer["valid"], answer["reason"], answer["cardNumber"]) == (True, "VALID", card["card_number"])
    assert answer == by_number  # the same answer as the check by card number
    log = await db.fetch(ACCESS_LOG, card["person_id"])
    assert [tuple(r) for r in log] == [("PARTNER", PARTNER, "Kiểm tra thẻ BHYT", ["INSURANCE_CARD"])] * 2


async def test_the_card_valid_today_is_chosen_among_the_holders_cards(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card, citizen_id = await a_card_with_citizen_id(db)
    # an older card of the same holder, ended last year
    await db.execute(
        """insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent,
                                        province_code, valid_from, valid_to, primary_facility_id)
           select person_id, card_number, group_code, benefit_level, coverage_percent, province_code,
                  valid_from - 400, valid_from - 1, primary_facility_id from insurance_cards where id = $1""",
        card["id"],
    )
    answer = (await by_citizen_id(client, key, card, citizen_id))["data"]["verifyInsuranceCard"]
    assert (answer["reason"], answer["validTo"]) == ("VALID", card["valid_to"].isoformat())


async def test_expired_card_by_citizen_id(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card, citizen_id = await a_card_with_citizen_id(db, -400, -1)
    answer = (await by_citizen_id(client, key, card, citizen_id))["data"]["verifyInsuranceCard"]
    assert (answer["valid"], answer["reason"]) == (False, "EXPIRED")


async def test_a_mismatch_answers_like_an_unknown_citizen_id(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card, citizen_id = await a_card_with_citizen_id(db)
    unknown = (await by_citizen_id(client, key, card, "999999999999"))["data"]["verifyInsuranceCard"]
    for changes in ({"fullName": "Trần Thị Không Khớp"}, {"dateOfBirth": "1901-02-03"}):
        answer = (await by_citizen_id(client, key, card, citizen_id, **changes))["data"]["verifyInsuranceCard"]
        assert answer == unknown
        assert (answer["reason"], answer["cardNumber"]) == ("NOT_FOUND", None)
    assert len(await db.fetch(ACCESS_LOG, card["person_id"])) == 2


@pytest.mark.parametrize("citizen_id", ["00109000000", "0010900000011", "00109000000A", "'; select 1; --"])
async def test_a_wrong_shape_is_invalid_input(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen_id: str
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card = await a_card(db)
    result = await by_citizen_id(client, key, card, citizen_id)
    assert error_codes(result) == ["INVALID_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == "citizenId"


async def test_guessing_a_birth_date_by_citizen_id_runs_out_of_tries(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card, citizen_id = await a_card_with_citizen_id(db)
    guesses = [
        await by_citizen_id(client, key, card, citizen_id, dateOfBirth=f"1950-01-{day:02d}")
        for day in range(1, 1 + card_check.BUDGET.misses_per_target)
    ]
    # every guess is answered (a wrong date: not found) until the budget is spent
    assert [g["data"]["verifyInsuranceCard"]["reason"] for g in guesses] == ["NOT_FOUND"] * len(guesses)

    right = await by_citizen_id(client, key, card, citizen_id)
    assert error_codes(right) == ["RATE_LIMITED"] and right["data"]["verifyInsuranceCard"] is None
    other_key = await make_partner_key(db, ["card:verify"], name="Bệnh viện Khác")
    assert error_codes(await by_citizen_id(client, other_key, card, citizen_id)) == ["RATE_LIMITED"]


async def test_checks_by_citizen_id_and_by_number_share_the_key_budget(
    client: httpx.AsyncClient, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_check, "BUDGET", card_check.Budget(per_key=2))
    key = await make_partner_key(db, ["card:verify"], name=PARTNER)
    card, citizen_id = await a_card_with_citizen_id(db)

    assert (await verify(client, key, card))["data"]["verifyInsuranceCard"]["reason"] == "VALID"
    assert (await by_citizen_id(client, key, card, citizen_id))["data"]["verifyInsuranceCard"]["reason"] == "VALID"
    assert error_codes(await by_citizen_id(client, key, card, citizen_id)) == ["RATE_LIMITED"]
    assert error_codes(await verify(client, key, card)) == ["RATE_LIMITED"]


async def test_only_keys_with_card_verify_may_check_by_citizen_id(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    card, citizen_id = await a_card_with_citizen_id(db)
    directory_key = await make_partner_key(db, ["directory:read"], name=PARTNER)
    assert error_codes(await by_citizen_id(client, None, card, citizen_id)) == ["UNAUTHENTICATED"]
    assert error_codes(await by_citizen_id(client, directory_key, card, citizen_id)) == ["FORBIDDEN"]
    assert await db.fetchval("select count(*) from access_log") == 0
