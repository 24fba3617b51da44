"""The contribution summary toward a pension (PensionProgress): the months that count, the legal minimum, the months
to go, the statutory retirement date and the BHTN months not yet used for an unemployment benefit."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx

from schema.ids import to_global_id
from tests.factories import add_benefit, add_period, make_citizen
from tests.family import add_grant
from tests.graphql import contract, error_codes, gql

PENSION_PROGRESS = contract("mobile/PensionProgress")


async def _born(db: asyncpg.Connection, person_id: int, born: dt.date, gender: str) -> None:
    await db.execute("update people set date_of_birth = $2, gender = $3 where id = $1", person_id, born, gender)


async def test_exactly_180_paid_months_reach_the_minimum(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a man born in April 1966 with 15 years paid and 3 months of employer arrears after them
    citizen = await make_citizen(db)
    await _born(db, citizen.id, dt.date(1966, 4, 20), "MALE")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2010-01", "2024-12")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2025-01", "2025-03", status="UNPAID")

    result = await gql(client, PENSION_PROGRESS, token=citizen.token)

    assert "errors" not in result, result
    summary = result["data"]["me"]["contributionSummary"]
    assert {k: summary[k] for k in ("totalMonths", "unpaidMonths", "pensionMonths", "pensionMinimumMonths",
                                    "pensionMonthsToGo")} == {
        "totalMonths": 183, "unpaidMonths": 3, "pensionMonths": 180, "pensionMinimumMonths": 180,
        "pensionMonthsToGo": 0,
    }
    assert (summary["retirementAgeYears"], summary["retirementAgeMonths"]) == (62, 0)
    assert (summary["retirementDate"], summary["pensionFrom"]) == ("2028-04-20", "2028-05-01")


async def test_unpaid_months_do_not_count_until_paid(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a woman born in 1970 with 179 paid months and one the employer declared but did not pay
    citizen = await make_citizen(db)
    await _born(db, citizen.id, dt.date(1970, 1, 15), "FEMALE")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2010-01", "2024-11")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2024-12", "2024-12", status="UNPAID")

    summary = (await gql(client, PENSION_PROGRESS, token=citizen.token))["data"]["me"]["contributionSummary"]

    assert (summary["totalMonths"], summary["pensionMonths"], summary["pensionMonthsToGo"]) == (180, 179, 1)
    assert (summary["retirementAgeYears"], summary["retirementAgeMonths"]) == (57, 4)
    assert summary["retirementDate"] == "2027-05-15"


async def test_bhtn_months_count_again_after_an_unemployment_benefit(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given 2015-2024 of BHTN, an unemployment benefit started in June 2020, and an unpaid month
    citizen = await make_citizen(db)
    await add_period(db, citizen.id, "BHTN", "2015-01", "2024-12")
    await add_period(db, citizen.id, "BHTN", "2025-01", "2025-01", status="UNPAID")
    await add_benefit(db, citizen.id, "SICKNESS", dt.date(2023, 7, 10))
    await add_benefit(db, citizen.id, "UNEMPLOYMENT", dt.date(2020, 7, 10))  # period from 2020-06-10

    summary = (await gql(client, PENSION_PROGRESS, token=citizen.token))["data"]["me"]["contributionSummary"]

    # July 2020 to December 2024: the paid months after the month the benefit started
    assert summary["unemploymentMonthsUnused"] == 54
    assert summary["pensionMonths"] == 0 and summary["pensionMonthsToGo"] == 180


async def test_without_an_unemployment_benefit_every_paid_bhtn_month_is_unused(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen = await make_citizen(db)
    await add_period(db, citizen.id, "BHTN", "2023-01", "2024-12")
    await add_period(db, citizen.id, "BHTN", "2025-01", "2025-02", status="UNPAID")

    summary = (await gql(client, PENSION_PROGRESS, token=citizen.token))["data"]["me"]["contributionSummary"]

    assert summary["unemploymentMonthsUnused"] == 24


async def test_anonymous_gets_no_progress(client: httpx.AsyncClient) -> None:
    result = await gql(client, PENSION_PROGRESS)

    assert result["data"] is None or result["data"]["me"] is None
    assert error_codes(result) == ["UNAUTHENTICATED"]


NODE_PROGRESS = """query ($id: ID!) { node(id: $id) { ... on Person {
  contributionSummary { pensionMonths unemploymentMonthsUnused } } } }"""


async def test_a_grantee_without_the_benefits_learns_nothing_of_an_unemployment_benefit(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given an owner with BHTN months and an unemployment benefit, and two grantees: contributions only, and both
    owner, narrow, wide = await make_citizen(db), await make_citizen(db), await make_citizen(db)
    await add_period(db, owner.id, "BHTN", "2015-01", "2024-12")
    await add_benefit(db, owner.id, "UNEMPLOYMENT", dt.date(2020, 7, 10))
    await add_grant(db, owner.id, narrow.id, "LIVE", parts=["CONTRIBUTIONS"])
    await add_grant(db, owner.id, wide.id, "LIVE", parts=["CONTRIBUTIONS", "BENEFITS"])
    person = {"id": to_global_id("Person", owner.id)}

    seen_by_narrow = await gql(client, NODE_PROGRESS, person, token=narrow.token)
    seen_by_wide = await gql(client, NODE_PROGRESS, person, token=wide.token)

    assert seen_by_narrow["data"]["node"]["contributionSummary"] == {
        "pensionMonths": 0, "unemploymentMonthsUnused": None,
    }
    assert seen_by_wide["data"]["node"]["contributionSummary"] == {"pensionMonths": 0, "unemploymentMonthsUnused": 54}
