"""The pension decision (Person.pension): start, years counted, the rate they earn, amounts and the adjustments since;
to the pensioner, and to a grantee of BENEFITS only."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx

from schema.ids import to_global_id
from seed.benefits import replacement_rate
from seed.demo import GIANG
from tests.factories import make_citizen, open_session
from tests.family import add_grant
from tests.graphql import contract, error_codes, gql

PENSION = contract("mobile/Pension")
NODE_PENSION = """query ($id: ID!) { node(id: $id) { ... on Person {
    pension { decisionNumber currentMonthlyAmount } } } }"""


async def _pension(db: asyncpg.Connection, person_id: int, start: dt.date, *, months: int, rate: int,
                   initial: int) -> None:
    agency = await db.fetchval("select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1")
    await db.execute(
        """insert into pensions (person_id, decision_number, start_month, months_counted, replacement_rate,
                                 average_salary, initial_monthly_amount, paying_agency_id)
           values ($1, '815/QĐ-BHXH', $2, $3, $4, $5, $6, $7)""",
        person_id, start, months, rate, initial * 100 // rate, initial, agency)


async def test_the_pensioner_reads_the_decision_and_every_adjustment_since(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given a woman whose pension of 5,000,000 đồng started in March 2018, with 26 years 7 months counted
    citizen = await make_citizen(db)
    await _pension(db, citizen.id, dt.date(2018, 3, 1), months=26 * 12 + 7, rate=67, initial=5_000_000)

    result = await gql(client, PENSION, token=citizen.token)

    assert "errors" not in result, result
    pension = result["data"]["me"]["pension"]
    assert {k: pension[k] for k in ("decisionNumber", "startDate", "yearsCounted", "monthsCounted",
                                    "replacementRate", "initialMonthlyAmount")} == {
        "decisionNumber": "815/QĐ-BHXH", "startDate": "2018-03-01", "yearsCounted": 26, "monthsCounted": 7,
        "replacementRate": 67, "initialMonthlyAmount": "5000000",
    }
    # then the four adjustments since, each rounded down to the đồng (NĐ 44/2019, 108/2021, 42/2023, 75/2024)
    assert [(a["effectiveFrom"], a["percent"], a["legalBasis"], a["monthlyAmountAfter"])
            for a in pension["adjustments"]] == [
        ("2019-07-01", 7.19, "NĐ 44/2019/NĐ-CP", "5359500"),
        ("2022-01-01", 7.4, "NĐ 108/2021/NĐ-CP", "5756103"),
        ("2023-07-01", 12.5, "NĐ 42/2023/NĐ-CP", "6475615"),
        ("2024-07-01", 15.0, "NĐ 75/2024/NĐ-CP", "7446957"),
    ]
    assert pension["currentMonthlyAmount"] == "7446957"
    assert pension["payingAgency"]["code"]


async def test_an_adjustment_before_the_start_does_not_apply(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    await _pension(db, citizen.id, dt.date(2023, 7, 1), months=20 * 12, rate=55, initial=6_000_000)

    pension = (await gql(client, PENSION, token=citizen.token))["data"]["me"]["pension"]

    assert [a["effectiveFrom"] for a in pension["adjustments"]] == ["2024-07-01"]
    assert pension["currentMonthlyAmount"] == "6900000"


async def test_no_pension_is_null(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)

    result = await gql(client, PENSION, token=citizen.token)

    assert result == {"data": {"me": {"pension": None}}}


async def test_the_demo_retiree_s_decision_matches_his_payments_and_the_law(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    person = await db.fetchrow("select id from people where social_insurance_code = $1", GIANG.social_insurance_code)
    latest = await db.fetchrow("""select decision_number, amount from benefits where person_id = $1
                                  and kind = 'PENSION' order by period_from desc limit 1""", person["id"])

    pension = (await gql(client, PENSION, token=await open_session(db, person["id"])))["data"]["me"]["pension"]

    assert pension["decisionNumber"] == latest["decision_number"]
    assert pension["currentMonthlyAmount"] == str(latest["amount"])
    start = dt.date.fromisoformat(pension["startDate"])
    assert pension["replacementRate"] == replacement_rate(pension["yearsCounted"], True,
                                                          start.year * 12 + start.month - 1)
    assert pension["yearsCounted"] >= 20


async def test_a_grantee_reads_it_with_benefits_only(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a pensioner, a grantee of BENEFITS, a grantee of the card only, and a stranger
    owner, wide, narrow, stranger = [await make_citizen(db) for _ in range(4)]
    await _pension(db, owner.id, dt.date(2024, 1, 1), months=30 * 12, rate=75, initial=9_000_000)
    await add_grant(db, owner.id, wide.id, "LIVE", parts=["BENEFITS"])
    await add_grant(db, owner.id, narrow.id, "LIVE", parts=["CARD"])
    variables = {"id": to_global_id("Person", owner.id)}

    seen_by_wide = await gql(client, NODE_PENSION, variables, token=wide.token)
    seen_by_narrow = await gql(client, NODE_PENSION, variables, token=narrow.token)
    seen_by_stranger = await gql(client, NODE_PENSION, variables, token=stranger.token)

    assert seen_by_wide["data"]["node"]["pension"] == {"decisionNumber": "815/QĐ-BHXH",
                                                       "currentMonthlyAmount": "10350000"}
    assert await db.fetchval("select count(*) from access_log where person_id = $1 and 'BENEFITS' = any("
                             "data_categories)", owner.id) == 1
    assert seen_by_narrow["data"]["node"]["pension"] is None
    assert error_codes(seen_by_narrow) == ["FORBIDDEN"]
    assert seen_by_stranger["data"]["node"] is None
