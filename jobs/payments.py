"""Payments outside a request: the gateway's configuration from the settings, and the daily reconciliation that
compares this service's orders of a day with the gateway's report of that day (`main.py payments reconcile`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
import httpx

from core.settings import Settings
from db import payment_orders
from payments.gateway import SUCCESS, GatewayConfig, ReportRow, fetch_report


def gateway_config(settings: Settings) -> GatewayConfig | None:
    """The gateway this service pays through; None when none is configured (payment is then unavailable)."""
    if not settings.payment_gateway_url or not settings.payment_merchant:
        return None
    code, secret = settings.payment_merchant[0]
    return GatewayConfig(base_url=settings.payment_gateway_url, merchant_code=code, secret=secret)


@dataclass(frozen=True, slots=True)
class Mismatch:
    order_ref: str
    # PAID_AT_GATEWAY_ONLY, PAID_HERE_ONLY, AMOUNT_DIFFERS
    kind: str
    here: str
    gateway: str

    def line(self) -> str:
        return f"{self.kind}\t{self.order_ref}\there: {self.here}\tgateway: {self.gateway}"


def compare(orders: Sequence[asyncpg.Record], report: Sequence[ReportRow], day: dt.date) -> list[Mismatch]:
    """Paid at the gateway but not here, paid here (on `day`) but not at the gateway, and paid both with different
    amounts."""
    ours = {order["order_ref"]: order for order in orders}
    paid_there = {row.order_ref: row for row in report if row.status == SUCCESS}
    found: list[Mismatch] = []
    for ref, row in sorted(paid_there.items()):
        order = ours.get(ref)
        if order is None or order["status"] != "PAID":
            here = "unknown" if order is None else f"{order['status']} {order['amount_dong']}"
            found.append(Mismatch(ref, "PAID_AT_GATEWAY_ONLY", here, f"PAID {row.amount_dong} #{row.transaction_no}"))
        elif order["amount_dong"] != row.amount_dong:
            found.append(Mismatch(ref, "AMOUNT_DIFFERS", f"PAID {order['amount_dong']}", f"PAID {row.amount_dong}"))
    for ref, order in sorted(ours.items()):
        if order["status"] == "PAID" and order["paid_on"] == day and ref not in paid_there:
            found.append(Mismatch(ref, "PAID_HERE_ONLY", f"PAID {order['amount_dong']}", "not paid"))
    return found


async def reconcile(
    conn: asyncpg.Connection, config: GatewayConfig, day: dt.date, client: httpx.AsyncClient
) -> list[Mismatch]:
    """The day's mismatches (Vietnam's calendar day): the orders made or paid that day against the report."""
    report = await fetch_report(config, day, client)
    orders = await payment_orders.of_day(conn, day)
    return compare(orders, report, day)
