"""The public look-up of one's own social insurance code: one exact match or nothing, throttled per address."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from core.settings import Settings
from tests.clients import app_client
from tests.graphql import contract, error_codes, gql

LOOKUP = contract("public/LookupSocialInsuranceCode")

PERSON = """
select p.social_insurance_code, p.full_name, p.date_of_birth, p.province_code, p.national_id, f.code as agency_code
from people p join facilities f on f.id = p.managing_agency_id
where p.national_id is not null and p.full_name ~ '[^a-zA-Z ]'
order by p.id limit 1
"""


async def a_person(db: asyncpg.Connection) -> asyncpg.Record:
    row = await db.fetchrow(PERSON)
    assert row is not None, "the seed has a person with a national ID, a managing agency and an accented name"
    return row


def facts(person: asyncpg.Record, **changes: str) -> dict[str, Any]:
    value = {
        "fullName": person["full_name"],
        "dateOfBirth": person["date_of_birth"].isoformat(),
        "provinceCode": person["province_code"],
        "nationalIdNumber": person["national_id"],
    }
    return {"input": {**value, **changes}}


async def test_all_four_facts_find_the_code_and_agency(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    person = await a_person(shared_db)
    answer = (await gql(shared_client, LOOKUP, facts(person)))["data"]["lookupSocialInsuranceCode"]
    assert answer["found"] is True
    assert answer["socialInsuranceCode"] == person["social_insurance_code"]
    assert answer["agency"]["code"] == person["agency_code"]


async def test_name_matches_without_diacritics_case_or_extra_spaces(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    person = await a_person(shared_db)
    plain = await shared_db.fetchval("select search_fold($1)", person["full_name"])
    result = await gql(shared_client, LOOKUP, facts(person, fullName=f"  {plain.upper().replace(' ', '   ')} "))
    assert result["data"]["lookupSocialInsuranceCode"]["found"] is True


async def test_any_wrong_fact_answers_not_found_and_nothing_else(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    person = await a_person(shared_db)
    other_province = "01" if person["province_code"] != "01" else "79"
    wrong_id = ("1" if person["national_id"][0] != "1" else "2") + person["national_id"][1:]
    answers = []
    for changes in (
        {"fullName": "Nguyễn Văn Không Có"},
        {"dateOfBirth": "1900-01-02"},
        {"provinceCode": other_province},
        {"nationalIdNumber": wrong_id},
    ):
        result = await gql(shared_client, LOOKUP, facts(person, **changes))
        assert "errors" not in result
        answers.append(result["data"]["lookupSocialInsuranceCode"])
    # then each answer is the same empty one: it tells neither which fact failed nor any candidate
    assert answers == [{"found": False, "socialInsuranceCode": None, "agency": None}] * 4


async def test_malformed_input_is_invalid_input(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    person = await a_person(shared_db)
    for changes, field in (
        ({"nationalIdNumber": "12345"}, "input.nationalIdNumber"),
        ({"provinceCode": "Hà Nội"}, "input.provinceCode"),
        ({"fullName": "   "}, "input.fullName"),
    ):
        result = await gql(shared_client, LOOKUP, facts(person, **changes))
        assert error_codes(result) == ["INVALID_INPUT"]
        assert result["errors"][0]["extensions"]["field"] == field


async def test_lookups_are_throttled_per_client_address(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    # given ten failed guesses from one address, each about another national ID
    person = await a_person(shared_db)
    for i in range(10):
        result = await gql(shared_client, LOOKUP, facts(person, nationalIdNumber=f"0019900000{i:02d}"))
        assert result["data"]["lookupSocialInsuranceCode"]["found"] is False
    # when the eleventh comes, even with the right facts
    result = await gql(shared_client, LOOKUP, facts(person))
    # then it is refused with the time to wait
    assert error_codes(result) == ["RATE_LIMITED"]
    assert 0 < result["errors"][0]["extensions"]["retryAfterSeconds"] <= 3600
    assert result["data"] is None


async def test_a_national_id_takes_ten_misses_a_day_from_all_addresses_together(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    person = await a_person(db)
    # given ten wrong birth dates for one national ID, from one address
    async with app_client(settings, db_dsn, address="192.0.2.10") as first:
        for day in range(1, 11):
            result = await gql(first.http, LOOKUP, facts(person, dateOfBirth=f"1950-03-{day:02d}"))
            assert result["data"]["lookupSocialInsuranceCode"]["found"] is False
    # when anyone asks about that national ID from another address, even with every fact right
    async with app_client(settings, db_dsn, address="192.0.2.11") as second:
        response = await second.http.post("/graphql", json={"query": LOOKUP, "variables": facts(person)})

    # then it is refused for the day: the facts of a known national ID cannot be guessed from many addresses
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RATE_LIMITED"] and body["data"] is None
    assert response.headers["x-ratelimit-limit"] == "10" and response.headers["x-ratelimit-remaining"] == "9"

