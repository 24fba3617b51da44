"""Paying a household renewal through the sandbox gateway, served over HTTP: the quote fixed at submission, one
order per application, the notification as the only confirmation, its refusals, and nothing applied twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import httpx

from core.settings import Settings
from payments.gateway import sign
from schema.ids import from_global_id, to_global_id
from tests.resolvers.applications.paying import (
    FOLLOW,
    MONTH_END,
    PAY,
    RENEW,
    Household,
    Paying,
    graphql,
    household,
    open_and_pay,
    paying_service,
    until,
)
from tests.resolvers.applications.support import CANCEL, DECIDE, act, key, office

# 4.5 % of 2,340,000 đ a month for the first member, 70 % of that for the second, for 12 months.
TWELVE_MONTHS_FOR_TWO = (105_300 + 73_710) * 12
STATUS = "select status from applications where person_id = $1 and id = $2"
ORDER_STATUS = "select status from payment_orders where order_ref = $1"
CARDS = "select count(*) from insurance_cards where person_id = any($1::bigint[])"
RECEIPTS = "select count(*) from inbox_messages where person_id = $1 and kind = 'PAYMENT_RECEIPT'"
REFUSED = "select details->>'reason' from audit_events where event = 'payment_notification_refused' order by id"


async def submit_renewal(paying: Paying, home: Household) -> dict[str, Any]:
    variables = {"input": {"idempotencyKey": key(),
                           "householdRenewal": {"memberIds": home.member_ids, "termMonths": 12}}}
    data = await graphql(paying.http, RENEW, home.payer.token, **variables)
    payload: dict[str, Any] = data["submitApplication"]
    assert payload["errors"] == [], payload
    application: dict[str, Any] = payload["application"]
    return application


async def pay(paying: Paying, home: Household, application_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await graphql(paying.http, PAY, home.payer.token, id=application_id))["payApplication"]
    return payload


def pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def ipn(paying: Paying, params: dict[str, str]) -> dict[str, str]:
    response = await paying.http.get("/payments/vnpay/ipn", params=params)
    assert response.status_code == 200
    answer: dict[str, str] = response.json()
    return answer


async def answered_attempts(paying: Paying, order_ref: str, count: int) -> list[dict[str, Any]]:
    """The gateway's notification attempts for the order, once `count` of them have an answer."""
    async with asyncio.timeout(30):
        while True:
            state = await paying.browser.get(f"{paying.gateway.base_url}/sandbox/orders/{order_ref}")
            attempts: list[dict[str, Any]] = [a for a in state.json()["ipnAttempts"] if "answer" in a]
            if len(attempts) >= count:
                return attempts
            await asyncio.sleep(0.05)


async def test_a_household_pays_once_and_its_cards_are_extended_once(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    home = await household(db)
    async with paying_service(settings, db_dsn) as paying:
        # When the household applies: the amount is the quote, and the application awaits payment
        application = await submit_renewal(paying, home)
        assert (application["status"], int(application["amount"])) == ("AWAITING_PAYMENT", TWELVE_MONTHS_FOR_TWO)
        # and asking to pay twice gives the same order and URL
        first, again = await pay(paying, home, application["id"]), await pay(paying, home, application["id"])
        assert first["errors"] == [] and first["payment"] == again["payment"]
        order = first["payment"]
        assert (order["status"], int(order["amount"])) == ("OPEN", TWELVE_MONTHS_FOR_TWO)
        cards_before = await db.fetchval(CARDS, [home.payer.id, home.child_id])
        # When the buyer pays at the gateway, which notifies the service
        await open_and_pay(paying, order["paymentUrl"], order["orderRef"])
        await until(db, STATUS, home.payer.id, pk(application["id"]), expected="APPROVED")
        # Then the order is paid, each member has a new card for 12 months from the end of the old, one receipt
        assert await db.fetchval(ORDER_STATUS, order["orderRef"]) == "PAID"
        assert await db.fetchval(CARDS, [home.payer.id, home.child_id]) == cards_before + 2
        new = await db.fetch(
            "select valid_from, valid_to, group_code from insurance_cards where person_id = any($1::bigint[]) "
            "and valid_from > $2", [home.payer.id, home.child_id], MONTH_END,
        )
        first_day = MONTH_END + dt.timedelta(days=1)
        last_day = first_day.replace(year=first_day.year + 1) - dt.timedelta(days=1)
        assert [tuple(row) for row in new] == [(first_day, last_day, "GD")] * 2
        assert await db.fetchval(RECEIPTS, home.payer.id) == 1
        followed = (await graphql(paying.http, FOLLOW, home.payer.token))["me"]["applications"]["edges"][0]["node"]
        assert [(t["fromStatus"], t["toStatus"], t["actorKind"]) for t in followed["transitions"]] == [
            (None, "SUBMITTED", "CITIZEN"), ("SUBMITTED", "AWAITING_PAYMENT", "SYSTEM"),
            ("AWAITING_PAYMENT", "PAID", "GATEWAY"), ("PAID", "APPROVED", "SYSTEM"),
        ]
        assert followed["payment"]["status"] == "PAID" and followed["payment"]["transactionNo"]
        # When the gateway sends the same notification again
        replayed = await paying.browser.post(f"{paying.gateway.base_url}/sandbox/orders/{order['orderRef']}/replay-ipn")
        assert replayed.status_code == 202
        attempts = await answered_attempts(paying, order["orderRef"], 2)
        # Then it is answered "already confirmed" and nothing changes
        assert [attempt["answer"]["RspCode"] for attempt in attempts] == ["00", "02"]
        assert await db.fetchval(CARDS, [home.payer.id, home.child_id]) == cards_before + 2
        assert await db.fetchval(RECEIPTS, home.payer.id) == 1
        # and paying again is refused: nothing is due
        late = await pay(paying, home, application["id"])
        assert [e["code"] for e in late["errors"]] == ["PAYMENT_NOT_DUE"]


async def test_forged_unknown_and_wrong_amount_notifications_are_refused_and_logged(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    home = await household(db)
    async with paying_service(settings, db_dsn) as paying:
        application = await submit_renewal(paying, home)
        order = (await pay(paying, home, application["id"]))["payment"]
        amount = TWELVE_MONTHS_FOR_TWO * 100
        paid = {"vnp_TmnCode": paying.gateway.merchant_code, "vnp_TxnRef": order["orderRef"], "vnp_Amount": str(amount),
                "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00", "vnp_TransactionNo": "14000001",
                "vnp_BankCode": "NCB", "vnp_PayDate": "20261204101500", "vnp_OrderInfo": "x"}
        # A forged signature, an unknown order, a wrong amount
        forged = await ipn(paying, {**paid, "vnp_SecureHash": sign(paid, "not-the-merchant-secret")})
        unknown_params = {**paid, "vnp_TxnRef": "1V999999999"}
        unknown = await ipn(paying, {**unknown_params, "vnp_SecureHash": sign(unknown_params, paying.gateway.secret)})
        cheap = {**paid, "vnp_Amount": str(amount - 100_000)}
        cheaper = await ipn(paying, {**cheap, "vnp_SecureHash": sign(cheap, paying.gateway.secret)})
        # Then each is answered as the protocol says, logged, and the order stays open
        assert [forged["RspCode"], unknown["RspCode"], cheaper["RspCode"]] == ["97", "01", "04"]
        assert [row[0] for row in await db.fetch(REFUSED)] == ["invalid signature", "unknown order", "amount differs"]
        assert await db.fetchval(ORDER_STATUS, order["orderRef"]) == "OPEN"
        assert await db.fetchval(STATUS, home.payer.id, pk(application["id"])) == "AWAITING_PAYMENT"
        # and the browser's return, even signed and successful, only shows the state: it never marks paid
        signed = {**paid, "vnp_SecureHash": sign(paid, paying.gateway.secret)}
        page = await paying.http.get("/payments/vnpay/return", params=signed)
        assert page.status_code == 200 and "Đang chờ" in page.text
        assert await db.fetchval(ORDER_STATUS, order["orderRef"]) == "OPEN"


async def test_a_failed_payment_can_be_paid_again_and_a_cancelled_application_takes_no_money(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    home = await household(db)
    async with paying_service(settings, db_dsn) as paying:
        application = await submit_renewal(paying, home)
        first = (await pay(paying, home, application["id"]))["payment"]
        # When the buyer cancels at the gateway
        await open_and_pay(paying, first["paymentUrl"], first["orderRef"], pay=False)
        await until(db, ORDER_STATUS, first["orderRef"], expected="FAILED")
        # Then paying again makes a new order, still for the application
        second = (await pay(paying, home, application["id"]))["payment"]
        assert second["orderRef"] != first["orderRef"] and second["status"] == "OPEN"
        # When the citizen cancels the application, then pays the open order anyway
        cancelled = await act(paying.http, CANCEL, home.payer.token, id=application["id"])
        assert cancelled["application"]["status"] == "CANCELLED"
        await open_and_pay(paying, second["paymentUrl"], second["orderRef"])
        await until(db, "select count(*) from audit_events where details->>'order' = $1", second["orderRef"],
                    expected=1)
        # Then the notification is answered as already handled, logged for a refund, and nothing is renewed
        assert [row[0] for row in await db.fetch(REFUSED)] == ["paid for a cancelled order"]
        assert await db.fetchval(ORDER_STATUS, second["orderRef"]) == "CANCELLED"
        assert await db.fetchval(STATUS, home.payer.id, pk(application["id"])) == "CANCELLED"
        assert await db.fetchval(RECEIPTS, home.payer.id) == 0


async def test_a_renewal_is_for_the_household_and_decided_by_payment_only(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    home = await household(db)
    stranger = await office(db)  # someone of another household, with an officer of the province's agency
    bad = [stranger.citizen.id]
    outside = await act(client, RENEW, home.payer.token, input={"idempotencyKey": key(), "householdRenewal": {
        "memberIds": [*home.member_ids, to_global_id("Person", bad[0])], "termMonths": 12}})
    odd_term = await act(client, RENEW, home.payer.token, input={"idempotencyKey": key(), "householdRenewal": {
        "memberIds": home.member_ids, "termMonths": 5}})
    assert [e["code"] for e in outside["errors"]] == ["HOUSEHOLD_MEMBER_INELIGIBLE"]
    assert [(e["code"], e["field"]) for e in odd_term["errors"]] == [("INVALID_INPUT", "householdRenewal.termMonths")]
    renewal = await act(client, RENEW, home.payer.token, input={"idempotencyKey": key(), "householdRenewal": {
        "memberIds": home.member_ids, "termMonths": 3}})
    assert renewal["application"]["status"] == "AWAITING_PAYMENT"
    decided = await act(client, DECIDE, stranger.officer_token, id=renewal["application"]["id"], decision="APPROVE")
    assert [e["code"] for e in decided["errors"]] == ["DECIDED_BY_PAYMENT"]
