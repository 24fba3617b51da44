"""The daily reconciliation (`main.py payments reconcile --date`): the day's orders against the gateway's signed
report, each mismatch listed, exit status 1 if any."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg
import pytest

from core.settings import Settings
from tests.resolvers.applications.paying import household, open_and_pay, paying_service, until
from tests.resolvers.applications.support import CANCEL, TODAY, act
from tests.resolvers.applications.test_payment import ORDER_STATUS, pay, submit_renewal

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


async def reconcile(dsn: str, gateway_url: str, merchant: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VSSID_")}
    env.update(DATABASE_URL=dsn, VSSID_PAYMENT_GATEWAY_URL=gateway_url, VSSID_PAYMENT_MERCHANT=merchant)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "payments", "reconcile", "--date", TODAY.isoformat(), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, [line.split("\t")[0] + " " + line.split("\t")[1] for line in out.decode().splitlines()]


async def test_the_reconciliation_lists_every_kind_of_mismatch(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    home = await household(db)
    async with paying_service(settings, db_dsn) as paying:
        merchant = f"{paying.gateway.merchant_code}:{paying.gateway.secret}"
        # Given one renewal paid as it should be
        paid = (await pay(paying, home, (await submit_renewal(paying, home))["id"]))["payment"]
        await open_and_pay(paying, paid["paymentUrl"], paid["orderRef"])
        await until(db, ORDER_STATUS, paid["orderRef"], expected="PAID")
        # Then the day reconciles
        assert await reconcile(db_dsn, paying.gateway.base_url, merchant) == (0, [])
        # Given an order paid at the gateway after its application was cancelled, one marked paid here that the
        # gateway never saw, and an amount that differs
        cancelled_application = await submit_renewal(paying, home)
        cancelled = (await pay(paying, home, cancelled_application["id"]))["payment"]
        await act(paying.http, CANCEL, home.payer.token, id=cancelled_application["id"])
        await open_and_pay(paying, cancelled["paymentUrl"], cancelled["orderRef"])
        await until(db, "select count(*) from audit_events where details->>'order' = $1", cancelled["orderRef"],
                    expected=1)
        unseen = (await pay(paying, home, (await submit_renewal(paying, home))["id"]))["payment"]
        await db.execute("update payment_orders set status = 'PAID', paid_at = now() where order_ref = $1",
                         unseen["orderRef"])
        await db.execute("update payment_orders set amount_dong = amount_dong + 1000 where order_ref = $1",
                         paid["orderRef"])
        # Then each is listed, and the exit status says so
        status, lines = await reconcile(db_dsn, paying.gateway.base_url, merchant)
    assert status == 1
    assert sorted(lines) == sorted([
        f"AMOUNT_DIFFERS {paid['orderRef']}", f"PAID_AT_GATEWAY_ONLY {cancelled['orderRef']}",
        f"PAID_HERE_ONLY {unseen['orderRef']}",
    ])
