"""Paying an application through the gateway: the order (one live order per application, its amount fixed at
submission), and the gateway's signed notification (IPN), the only thing that marks an order paid.

The notification is answered as the gateway's protocol expects (payments.gateway.IpnAnswer): a forged signature 97,
an unknown order 01, an amount that differs 04, an order no longer open (paid, failed, cancelled, replaced) 02, and
00 once recorded; the gateway repeats it until it reads 00 or 02. Refusals are written to the audit events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import asyncpg

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import Dong, Language, Text, text
from db import applications as sql
from db import audit, payment_orders
from db.application_notices import notify
from payments.gateway import GatewayConfig, GatewayResult, IpnAnswer, IpnReply, payment_url
from resolvers.applications import lifecycle
from resolvers.applications.quarters import today_in_vietnam

# Where the gateway calls and sends the browser back (service/payments.py serves them).
IPN_PATH = "/payments/vnpay/ipn"
RETURN_PATH = "/payments/vnpay/return"
# How long a payment URL stays open (the gateway's vnp_ExpireDate); asking again after it makes a new order.
ORDER_MINUTES = 15
# What the gateway shows the buyer (ASCII, as the gateway's vnp_OrderInfo wants), by the application's kind.
ORDER_INFO = {"HOUSEHOLD_RENEWAL": TextId.PAYMENT_ORDER_INFO, "VOLUNTARY_RENEWAL": TextId.PAYMENT_ORDER_INFO_VOLUNTARY}


@dataclass(frozen=True, slots=True)
class Payer:
    person_id: int
    client_ip: str
    return_url: str


async def start(
    conn: asyncpg.Connection, config: GatewayConfig, payer: Payer, application_id: int, now: dt.datetime
) -> asyncpg.Record:
    """The application's live order, or a new one: asking again while it is open returns the same order and URL."""
    application = await sql.own_for_update(conn, payer.person_id, application_id)
    if application is None:
        raise Refusal(ErrorCode.NOT_FOUND, text(TextId.APPLICATION_NOT_FOUND), "id")
    if application["status"] != "AWAITING_PAYMENT" or application["amount_dong"] is None:
        raise Refusal(ErrorCode.PAYMENT_NOT_DUE, text(TextId.PAYMENT_NOT_DUE), "id")
    live = await payment_orders.live(conn, payer.person_id, application_id)
    if live is not None and (live["status"] == "PAID" or live["expires_at"] > now + dt.timedelta(minutes=1)):
        return live
    if live is not None:
        await payment_orders.expire(conn, payer.person_id, live["id"])
    order_id = await payment_orders.next_id(conn)
    ref = payment_orders.order_ref(payer.person_id, order_id)
    expires_at = now + dt.timedelta(minutes=ORDER_MINUTES)
    url = payment_url(
        config, order_ref=ref, amount_dong=application["amount_dong"],
        description=text(ORDER_INFO[application["kind"]], application=application_id).render(Language.VI),
        return_url=payer.return_url, client_ip=payer.client_ip, created_at=now, expires_at=expires_at,
    )
    return await payment_orders.insert(
        conn, person_id=payer.person_id, order_id=order_id, application_id=application_id,
        amount_dong=application["amount_dong"], url=url, expires_at=expires_at,
    )


async def refused(conn: asyncpg.Connection, reason: str, address: str | None, details: dict[str, object]) -> None:
    """A notification refused: forged, malformed, for an unknown order or of a wrong amount (for the operators)."""
    await audit.record_event(
        conn, "payment_notification_refused", actor_kind="ANONYMOUS", client_address=address,
        details={"reason": reason, **details},
    )


async def confirm(conn: asyncpg.Connection, result: GatewayResult, address: str | None) -> IpnReply:
    """Record what a signed notification says, in the caller's transaction, and the answer for the gateway."""
    seen = {"order": result.order_ref, "amount": result.amount_dong, "transaction": result.transaction_no}
    # Locks in the order every writer takes them (the application, then its order), so that a cancellation
    # racing the notification waits for it rather than deadlocking with it.
    found = await payment_orders.by_ref(conn, result.order_ref)
    if found is not None:
        await sql.own_for_update(conn, found["person_id"], found["application_id"])
    order = await payment_orders.by_ref_for_update(conn, result.order_ref)
    if order is None:
        await refused(conn, "unknown order", address, seen)
        return IpnAnswer.ORDER_NOT_FOUND
    if order["amount_dong"] != result.amount_dong:
        await refused(conn, "amount differs", address, {**seen, "expected": order["amount_dong"]})
        return IpnAnswer.INVALID_AMOUNT
    if order["status"] != "OPEN":
        if order["status"] != "PAID" and result.succeeded:  # money taken for a closed order: to refund
            await refused(conn, f"paid for a {order['status'].lower()} order", address, seen)
        return IpnAnswer.ALREADY_CONFIRMED
    if not result.succeeded:
        await payment_orders.mark_failed(conn, order, transaction_no=result.transaction_no, code=result.response_code)
        return IpnAnswer.CONFIRMED
    order = await payment_orders.mark_paid(
        conn, order, transaction_no=result.transaction_no, bank_code=result.bank_code, paid_at=result.paid_at
    )
    application = await sql.own_for_update(conn, order["person_id"], order["application_id"])  # locked above
    assert application is not None and application["status"] == "AWAITING_PAYMENT"  # an open order's application
    application = await lifecycle.apply_paid(conn, application, result.transaction_no, today_in_vietnam())
    await _receipt(conn, application, order)
    return IpnAnswer.CONFIRMED


async def _receipt(conn: asyncpg.Connection, application: asyncpg.Record, order: asyncpg.Record) -> None:
    """Biên lai: in the payer's inbox (and by SMS and e-mail), with what was paid and until when the cards run."""
    effect = lifecycle.stored(application["effect"])
    if application["kind"] == "VOLUNTARY_RENEWAL":
        title, body = voluntary_receipt(effect, order)
        await notify(
            conn, person_id=application["person_id"], kind="PAYMENT_RECEIPT", application_id=application["id"],
            period=order["order_ref"], title=title.render(Language.VI), body=body.render(Language.VI),
        )
        return
    valid_to = max(effect["after"].values())
    body = text(
        TextId.NOTICE_RECEIPT_BODY, amount=f"{order['amount_dong']:,}".replace(",", "."),
        months=effect["termMonths"], members=len(effect["after"]), transaction=order["transaction_no"],
        valid_to=dt.date.fromisoformat(valid_to).strftime("%d/%m/%Y"),
    )
    await notify(
        conn, person_id=application["person_id"], kind="PAYMENT_RECEIPT", application_id=application["id"],
        period=order["order_ref"], title=text(TextId.NOTICE_RECEIPT_TITLE).render(Language.VI),
        body=body.render(Language.VI),
    )


def voluntary_receipt(effect: dict[str, object], order: asyncpg.Record) -> tuple[Text, Text]:
    """Biên lai BHXH tự nguyện: what was paid, for which months, on which income, with how much support."""
    def month(iso: object) -> str:
        return dt.date.fromisoformat(str(iso)).strftime("%m/%Y")

    body = text(
        TextId.NOTICE_VOLUNTARY_RECEIPT_BODY, amount=Dong(order["amount_dong"]), months=effect["termMonths"],
        from_month=month(effect["fromMonth"]), to_month=month(effect["toMonth"]),
        income=Dong(int(str(effect["monthlyIncome"]))), support=Dong(int(str(effect["stateSupport"]))),
        transaction=order["transaction_no"],
    )
    return text(TextId.NOTICE_VOLUNTARY_RECEIPT_TITLE), body
