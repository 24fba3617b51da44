"""Voluntary BHXH renewal (đóng BHXH tự nguyện) paid through the sandbox gateway over HTTP: the quote fixed at
submission, one PAID voluntary period per month of the term when the notification confirms it, the pension months
counting them, a receipt, a replayed notification changing nothing, and each refusal at submission."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import asyncpg
import httpx

from core.settings import Settings
from resolvers.applications.voluntary import add_months
from tests.factories import Citizen, make_account, open_session
from tests.resolvers.applications.paying import FOLLOW, PAY, RENEW, graphql, open_and_pay, paying_service, until
from tests.resolvers.applications.support import DECIDE, TODAY, key, officer_of, submit
from tests.resolvers.applications.test_payment import answered_attempts, pk

THIS_MONTH = TODAY.replace(day=1)
# 22 % of 3,000,000 đ is 660,000 đ a month; the state supports OTHER with 20 % of 22 % of the rural poverty line
# (1,500,000 đ): 66,000 đ; a poor household's member with 50 % of it: 165,000 đ.
OTHER_MONTHLY = 660_000 - 66_000
POOR_MONTHLY = 660_000 - 165_000
PERIOD = """
insert into contribution_periods (person_id, scheme, from_month, to_month, salary_basis, status)
values ($1, $2, $3, $4, $5, 'PAID')
"""
CARD = """
insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent, province_code,
                             valid_from, valid_to, primary_facility_id, issued_at)
select p.id, $2 || '2' || p.province_code || p.social_insurance_code, $2, 2, 100, p.province_code, $3, $4,
       (select id from facilities where kind = 'HOSPITAL' and province_code = p.province_code order by id limit 1),
       $3::date - 10
from people p where p.id = $1
"""
MONTHS = """
select from_month, to_month, salary_basis, paid_dong, state_support_dong, application_id from contribution_periods
where person_id = $1 and scheme = 'BHXH_VOLUNTARY' and application_id is not null order by from_month
"""
STATUS = "select status from applications where person_id = $1 and id = $2"
RECEIPT = "select title, body from inbox_messages where person_id = $1 and kind = 'PAYMENT_RECEIPT'"
SUMMARY = "query Summary { me { contributionSummary { totalMonths pensionMonths } } }"
APPLICATIONS = "select count(*) from applications where person_id = $1"
PERIODS = """
query Periods { me { contributionPeriods(scheme: BHXH_VOLUNTARY, first: 20) { edges { node {
  fromMonth toMonth salaryBasis status amountPaid stateSupport employer { code }
} } } } }
"""


async def self_employed(db: asyncpg.Connection, *, employed_until: dt.date, voluntary_until: dt.date | None = None,
                        card_group: str | None = None) -> Citizen:
    """A person who left compulsory insurance (employed until the month given), maybe already paying voluntary."""
    person = await make_account(db, None, full_name="Đỗ Văn Tự Do")
    citizen = Citizen(**dataclasses.asdict(person), token=await open_session(db, person.id))
    await db.execute(PERIOD, person.id, "BHXH_COMPULSORY", dt.date(2012, 1, 1), employed_until, 6_000_000)
    if voluntary_until is not None:
        await db.execute(PERIOD, person.id, "BHXH_VOLUNTARY", add_months(voluntary_until, -5), voluntary_until,
                         2_000_000)
    if card_group is not None:
        await db.execute(CARD, person.id, card_group, TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=265))
    return citizen


def voluntary(income: int | str, months: int, group: str = "OTHER") -> dict[str, Any]:
    return {"voluntaryRenewal": {"monthlyIncome": str(income), "termMonths": months, "supportGroup": group}}


async def test_a_voluntary_term_paid_once_writes_its_months_and_the_pension_counts_them(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    # Given a person employed until 2020, who has paid voluntary BHXH up to this month
    citizen = await self_employed(db, employed_until=dt.date(2020, 6, 1), voluntary_until=THIS_MONTH)
    async with paying_service(settings, db_dsn) as paying:
        before = (await graphql(paying.http, SUMMARY, citizen.token))["me"]["contributionSummary"]
        # When they apply for 3 months on 3,000,000 đ a month
        variables = {"input": {"idempotencyKey": key(), **voluntary(3_000_000, 3)}}
        payload = (await graphql(paying.http, RENEW, citizen.token, **variables))["submitApplication"]
        assert payload["errors"] == [], payload
        application = payload["application"]
        # Then the amount is the quote (what the state supports is not charged), and it awaits payment
        assert (application["status"], int(application["amount"])) == ("AWAITING_PAYMENT", OTHER_MONTHLY * 3)
        order = (await graphql(paying.http, PAY, citizen.token, id=application["id"]))["payApplication"]["payment"]
        assert int(order["amount"]) == OTHER_MONTHLY * 3
        # When the buyer pays at the gateway, which notifies the service
        await open_and_pay(paying, order["paymentUrl"], order["orderRef"])
        await until(db, STATUS, citizen.id, pk(application["id"]), expected="APPROVED")
        # Then the three months after the last voluntary one are PAID voluntary periods with income, paid, support
        first = add_months(THIS_MONTH, 1)
        months = [tuple(row) for row in await db.fetch(MONTHS, citizen.id)]
        assert months == [
            (add_months(first, n), add_months(first, n), 3_000_000, OTHER_MONTHLY, 66_000, pk(application["id"]))
            for n in range(3)
        ]
        # and the Contributions screen shows them with what was paid and supported (the older periods without)
        edges = (await graphql(paying.http, PERIODS, citizen.token))["me"]["contributionPeriods"]["edges"]
        shown = [(e["node"]["fromMonth"], e["node"]["amountPaid"], e["node"]["stateSupport"]) for e in edges]
        assert sorted(shown) == sorted([
            (add_months(THIS_MONTH, -5).strftime("%Y-%m"), None, None),
            *((add_months(first, n).strftime("%Y-%m"), str(OTHER_MONTHLY), "66000") for n in range(3)),
        ])
        assert {e["node"]["status"] for e in edges} == {"PAID"} and {e["node"]["employer"] for e in edges} == {None}
        # and the pension progress counts them
        after = (await graphql(paying.http, SUMMARY, citizen.token))["me"]["contributionSummary"]
        assert after["pensionMonths"] == before["pensionMonths"] + 3
        assert after["totalMonths"] == before["totalMonths"] + 3
        # and the application shows the months paid until, its transitions, and one receipt is in the inbox
        followed = (await graphql(paying.http, FOLLOW, citizen.token))["me"]["applications"]["edges"][0]["node"]
        last = add_months(first, 2)
        assert followed["changes"] == [{"field": "paidUntil", "before": THIS_MONTH.strftime("%m/%Y"),
                                        "after": last.strftime("%m/%Y")}]
        assert [(t["fromStatus"], t["toStatus"], t["actorKind"]) for t in followed["transitions"]] == [
            (None, "SUBMITTED", "CITIZEN"), ("SUBMITTED", "AWAITING_PAYMENT", "SYSTEM"),
            ("AWAITING_PAYMENT", "PAID", "GATEWAY"), ("PAID", "APPROVED", "SYSTEM"),
        ]
        receipts = await db.fetch(RECEIPT, citizen.id)
        assert len(receipts) == 1 and receipts[0]["title"] == "Biên lai thanh toán BHXH tự nguyện"
        assert f"{OTHER_MONTHLY * 3:,}".replace(",", ".") in receipts[0]["body"]
        assert f"từ tháng {first:%m/%Y} đến tháng {last:%m/%Y}" in receipts[0]["body"]
        # When the gateway sends the same notification again
        replayed = await paying.browser.post(f"{paying.gateway.base_url}/sandbox/orders/{order['orderRef']}/replay-ipn")
        assert replayed.status_code == 202
        attempts = await answered_attempts(paying, order["orderRef"], 2)
        # Then it is answered "already confirmed" and no month or receipt is added
        assert [attempt["answer"]["RspCode"] for attempt in attempts] == ["00", "02"]
        assert len(await db.fetch(MONTHS, citizen.id)) == 3
        assert len(await db.fetch(RECEIPT, citizen.id)) == 1


async def test_the_term_starts_this_month_without_voluntary_months_and_no_officer_decides_it(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen = await self_employed(db, employed_until=dt.date(2019, 12, 1), card_group="HN")
    # A member of a poor household (card group HN) is supported at the poor household's share
    payload = await submit(client, citizen.token, **voluntary(3_000_000, 1, "POOR"))
    assert payload["errors"] == [], payload
    application = payload["application"]
    assert (application["kind"], int(application["amount"])) == ("VOLUNTARY_RENEWAL", POOR_MONTHLY)
    assert application["request"]["termMonths"] == 1
    assert application["changes"] == [{"field": "paidUntil", "before": None, "after": THIS_MONTH.strftime("%m/%Y")}]
    # and the competent agency's officer cannot decide what only the payment decides
    agency = await db.fetchval("select competent_agency_id from applications where id = $1", pk(application["id"]))
    officer = await officer_of(db, agency)
    decided = await graphql(client, DECIDE, officer, id=application["id"], decision="APPROVE")
    assert [e["code"] for e in decided["decideApplication"]["errors"]] == ["DECIDED_BY_PAYMENT"]


async def test_each_refusal_has_its_code_and_writes_nothing(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # Given a person still compulsorily insured this month, and one who left long ago with an ordinary card
    employed = await self_employed(db, employed_until=THIS_MONTH)
    free = await self_employed(db, employed_until=dt.date(2018, 3, 1), card_group="GD")
    cases = [
        (free, voluntary(3_000_000, 2), "INVALID_INPUT", "voluntaryRenewal.termMonths"),
        (free, voluntary(1_000_000, 3), "INVALID_INPUT", "voluntaryRenewal.monthlyIncome"),
        (free, voluntary(2_340_000 * 20 + 1, 3), "INVALID_INPUT", "voluntaryRenewal.monthlyIncome"),
        (free, voluntary(3_000_000, 3, "POOR"), "SUPPORT_GROUP_NOT_ELIGIBLE", "voluntaryRenewal.supportGroup"),
        (free, voluntary(3_000_000, 3, "NEAR_POOR"), "SUPPORT_GROUP_NOT_ELIGIBLE", "voluntaryRenewal.supportGroup"),
        (free, voluntary(3_000_000, 3, "ETHNIC_MINORITY"), "SUPPORT_GROUP_NOT_ELIGIBLE",
         "voluntaryRenewal.supportGroup"),
        (employed, voluntary(3_000_000, 3), "COMPULSORILY_INSURED", "voluntaryRenewal"),
    ]
    for citizen, kind, code, field in cases:
        payload = await submit(client, citizen.token, **kind)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], (kind, payload)
        assert payload["application"] is None
    compulsory = (await submit(client, employed.token, **voluntary(3_000_000, 3)))["errors"][0]["message"]
    assert f"{THIS_MONTH:%m/%Y}" in compulsory
    assert await db.fetchval(APPLICATIONS, free.id) == 0 and await db.fetchval(APPLICATIONS, employed.id) == 0
    # and a double submit (the same key, the same input) is the first application again, not a second one
    same = key()
    first = await submit(client, free.token, idempotency_key=same, **voluntary(3_000_000, 6))
    again = await submit(client, free.token, idempotency_key=same, **voluntary(3_000_000, 6))
    assert first["application"]["id"] == again["application"]["id"]
    assert int(first["application"]["amount"]) == OTHER_MONTHLY * 6
    assert await db.fetchval(APPLICATIONS, free.id) == 1


async def test_two_terms_submitted_before_either_is_paid_follow_each_other(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    citizen = await self_employed(db, employed_until=dt.date(2021, 9, 1))
    async with paying_service(settings, db_dsn) as paying:
        # Given two applications submitted before either is paid (both quoted from this month)
        submitted = []
        for term in (1, 3):
            variables = {"input": {"idempotencyKey": key(), **voluntary(2_000_000, term)}}
            payload = (await graphql(paying.http, RENEW, citizen.token, **variables))["submitApplication"]
            assert payload["errors"] == [], payload
            submitted.append(payload["application"])
        # When the 3-month one is paid first, then the 1-month one
        for application in reversed(submitted):
            order = (await graphql(paying.http, PAY, citizen.token, id=application["id"]))["payApplication"]
            await open_and_pay(paying, order["payment"]["paymentUrl"], order["payment"]["orderRef"])
            await until(db, STATUS, citizen.id, pk(application["id"]), expected="APPROVED")
        # Then the months follow each other: this month to the third, then the fourth; none twice
        written = [(row["from_month"], row["application_id"]) for row in await db.fetch(MONTHS, citizen.id)]
        three, one = pk(submitted[1]["id"]), pk(submitted[0]["id"])
        assert written == [*((add_months(THIS_MONTH, n), three) for n in range(3)), (add_months(THIS_MONTH, 3), one)]
