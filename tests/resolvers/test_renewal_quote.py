"""quoteRenewal: a signed-in citizen sees what household BHYT or voluntary BHXH costs, on today's parameters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from db.renewal_rates import rates_on
from resolvers.applications.voluntary import add_months, term
from schema.ids import to_global_id
from tests.factories import add_card, add_period, make_citizen, make_person
from tests.family import add_guardianship, today_in_vietnam, years_before
from tests.graphql import contract, error_codes, gql

QUOTE = contract("mobile/QuoteRenewal")
HOUSEHOLD = "HOUSEHOLD_HEALTH_INSURANCE"
VOLUNTARY = "VOLUNTARY_SOCIAL_INSURANCE"


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


async def quote(client: httpx.AsyncClient, token: str | None, headers: dict[str, str] | None = None,
                **input: Any) -> dict[str, Any]:
    return await gql(client, QUOTE, {"input": input}, token=token, headers=headers)


async def test_two_members_for_twelve_months_at_the_base_salary_of_2024(client: httpx.AsyncClient,
                                                                       db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    result = await quote(client, citizen.token, kind=HOUSEHOLD, months=12, memberCount=2)
    assert "errors" not in result, result
    body = result["data"]["quoteRenewal"]
    assert [(m["order"], m["sharePercent"], m["monthlyAmount"], m["amount"]) for m in body["members"]] == [
        (1, 100.0, "105300", "1263600"), (2, 70.0, "73710", "884520")]
    assert (body["contribution"], body["stateSupport"], body["total"]) == ("2148120", "0", "2148120")
    assert body["baseSalary"] == "2340000" and "73/2024" in body["baseSalaryLegalBasis"]
    start = first_of_next_month(today_in_vietnam())  # no card on record: from next month
    assert body["coveredFrom"] == start.isoformat()
    assert body["coveredUntil"] == (start.replace(year=start.year + 1) - dt.timedelta(days=1)).isoformat()


async def test_the_period_follows_the_current_card(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    today = today_in_vietnam()
    await add_card(db, citizen, valid_from=today - dt.timedelta(days=200), valid_to=today + dt.timedelta(days=70))
    body = (await quote(client, citizen.token, kind=HOUSEHOLD, months=3, memberCount=1))["data"]["quoteRenewal"]
    assert body["coveredFrom"] == first_of_next_month(today + dt.timedelta(days=70)).isoformat()
    assert body["total"] == str(3 * 105_300)


async def test_members_by_id_are_the_viewer_and_the_children_they_guard(client: httpx.AsyncClient,
                                                                        db: asyncpg.Connection) -> None:
    parent = await make_citizen(db)
    child = await make_person(db, "Trần Minh Khang", years_before(today_in_vietnam(), 8))
    await add_guardianship(db, parent.id, child.id)
    ids = [to_global_id("Person", parent.id), to_global_id("Person", child.id)]
    body = (await quote(client, parent.token, kind=HOUSEHOLD, months=6, memberIds=ids))["data"]["quoteRenewal"]
    assert [m["personId"] for m in body["members"]] == ids
    assert body["total"] == str(6 * (105_300 + 73_710))

    stranger = await make_person(db, "Lê Văn Lạ")
    for refused in ([ids[0], to_global_id("Person", stranger.id)], [ids[0], ids[0]],
                    [to_global_id("InsuranceCard", parent.id)]):
        result = await quote(client, parent.token, kind=HOUSEHOLD, months=6, memberIds=refused)
        assert result["data"] is None and error_codes(result) == ["INVALID_INPUT"]
        assert result["errors"][0]["extensions"]["field"] == "input.memberIds"


async def test_household_needs_members_one_way(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    both = {"memberCount": 1, "memberIds": [to_global_id("Person", citizen.id)]}
    for members, field in (({}, "input.memberIds"), (both, "input.memberIds"),
                           ({"memberCount": 0}, "input.memberCount"), ({"memberCount": 21}, "input.memberCount")):
        result = await quote(client, citizen.token, kind=HOUSEHOLD, months=12, **members)
        assert error_codes(result) == ["INVALID_INPUT"] and result["errors"][0]["extensions"]["field"] == field


async def test_a_term_not_allowed_is_refused(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    for kind, months, extra in ((HOUSEHOLD, 1, {"memberCount": 1}), (HOUSEHOLD, 24, {"memberCount": 1}),
                                (VOLUNTARY, 2, {"monthlyIncome": "2000000"})):
        result = await quote(client, citizen.token, kind=kind, months=months, **extra)
        assert error_codes(result) == ["INVALID_INPUT"], (kind, months)
        assert result["errors"][0]["extensions"]["field"] == "input.months"


async def test_voluntary_social_insurance_with_the_state_support(client: httpx.AsyncClient,
                                                                 db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    result = await quote(client, citizen.token, kind=VOLUNTARY, months=12, monthlyIncome="3000000",
                         supportGroup="POOR")
    body = result["data"]["quoteRenewal"]
    assert (body["contribution"], body["stateSupport"], body["total"]) == ("7920000", "1980000", "5940000")
    assert (body["incomeFloor"], body["incomeCeiling"], body["supportPercent"]) == ("1500000", "46800000", 50.0)
    # nothing paid yet: from this month, as a payment now would write it (resolvers/applications/voluntary.py)
    this_month = today_in_vietnam().replace(day=1)
    assert body["members"] == [] and body["coveredFrom"] == this_month.isoformat()
    assert body["coveredUntil"] == (this_month.replace(year=this_month.year + 1) - dt.timedelta(days=1)).isoformat()
    other = await quote(client, citizen.token, kind=VOLUNTARY, months=1, monthlyIncome="1500000")
    assert other["data"]["quoteRenewal"]["supportGroup"] == "OTHER"
    assert other["data"]["quoteRenewal"]["total"] == str(330_000 - 66_000)


async def test_an_income_out_of_range_is_refused_with_the_range(client: httpx.AsyncClient,
                                                                db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    for income in ("1499999", "46800001"):
        result = await quote(client, citizen.token, {"Accept-Language": "vi"}, kind=VOLUNTARY, months=6,
                             monthlyIncome=income)
        assert error_codes(result) == ["INVALID_INPUT"]
        assert result["errors"][0]["extensions"]["field"] == "input.monthlyIncome"
        assert "1.500.000 đồng đến 46.800.000 đồng" in result["errors"][0]["message"]
    english = await quote(client, citizen.token, {"Accept-Language": "en"}, kind=VOLUNTARY, months=6,
                          monthlyIncome="100")
    assert "from 1,500,000 to 46,800,000 đồng" in english["errors"][0]["message"]
    missing = await quote(client, citizen.token, kind=VOLUNTARY, months=6)
    assert missing["errors"][0]["extensions"]["field"] == "input.monthlyIncome"


async def test_an_anonymous_caller_gets_no_quote(client: httpx.AsyncClient) -> None:
    result = await quote(client, None, kind=HOUSEHOLD, months=12, memberCount=2)
    assert result["data"] is None and error_codes(result) == ["UNAUTHENTICATED"]


async def test_the_parameters_in_force_change_on_their_dates(db: asyncpg.Connection) -> None:
    def base(rates: Any) -> int:
        return int(rates["BASE_SALARY"].value)

    assert base(await rates_on(db, dt.date(2024, 6, 30))) == 1_800_000
    assert base(await rates_on(db, dt.date(2024, 7, 1))) == 2_340_000
    assert base(await rates_on(db, dt.date(2019, 7, 1))) == 1_490_000
    before, after = await rates_on(db, dt.date(2025, 6, 30)), await rates_on(db, dt.date(2025, 7, 1))
    assert (before.percent("VOLUNTARY_BHXH_SUPPORT_OTHER"), after.percent("VOLUNTARY_BHXH_SUPPORT_OTHER")) == (
        Decimal("0.1"), Decimal("0.2"))
    assert after.complete and not (await rates_on(db, dt.date(2014, 1, 1))).complete


async def test_an_income_the_money_scalar_refuses_is_the_clients_mistake(client: httpx.AsyncClient,
                                                                         db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    for income in ('"9999999999999999999"', '"1.5"', "1500000"):  # in the document itself, not a variable
        document = f"{{ quoteRenewal(input: {{kind: {VOLUNTARY}, months: 1, monthlyIncome: {income}}}) {{ total }} }}"
        for token in (citizen.token, None):
            assert error_codes(await gql(client, document, token=token)) == ["GRAPHQL_VALIDATION_FAILED"], income
    variables = await quote(client, citizen.token, kind=VOLUNTARY, months=1, monthlyIncome="1.5")
    assert error_codes(variables) == ["BAD_USER_INPUT"]


async def test_a_voluntary_term_follows_the_months_already_paid(client: httpx.AsyncClient,
                                                                db: asyncpg.Connection) -> None:
    """The quote's dates are the term a payment would write: from the month after the last voluntary month paid
    (two months ahead here), the same function as the application's (resolvers/applications/voluntary.py term)."""
    citizen = await make_citizen(db)
    this_month = today_in_vietnam().replace(day=1)
    paid_until = add_months(this_month, 2)
    await add_period(db, citizen.id, "BHXH_VOLUNTARY", add_months(this_month, -3).isoformat()[:7],
                     paid_until.isoformat()[:7])
    body = (await quote(client, citizen.token, kind=VOLUNTARY, months=3, monthlyIncome="2000000"))["data"]
    first, last = await term(db, citizen.id, 3, today_in_vietnam())
    assert body["quoteRenewal"]["coveredFrom"] == add_months(paid_until, 1).isoformat() == first.isoformat()
    assert body["quoteRenewal"]["coveredUntil"] == (add_months(last, 1) - dt.timedelta(days=1)).isoformat()
