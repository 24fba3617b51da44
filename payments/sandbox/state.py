"""The sandbox's orders and their IPN deliveries, in memory."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from payments.gateway import SUCCESS, VIETNAM, gateway_time, parse_gateway_time, signed

log = logging.getLogger("payments.sandbox")
# The gateway stops calling once the merchant answers one of these (confirmed, or already confirmed).
FINAL_ANSWERS = frozenset({"00", "02"})
CANCELLED_BY_BUYER = "24"
EXPIRED = "11"
FAILED = "02"
BANK = "NCB"


@dataclass(frozen=True)
class Merchant:
    code: str
    secret: str
    ipn_url: str


@dataclass
class Order:
    merchant: Merchant
    params: dict[str, str]  # as the merchant signed them
    state: str = "PENDING"  # PENDING, PAID, CANCELLED, EXPIRED
    result: dict[str, str] | None = None  # the signed result sent to the IPN and the return URL
    attempts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return self.params["vnp_TxnRef"]

    @property
    def amount_dong(self) -> int:
        return int(self.params["vnp_Amount"]) // 100

    def expired(self, now: datetime) -> bool:
        expires = self.params.get("vnp_ExpireDate")
        return expires is not None and parse_gateway_time(expires) < now

    def view(self) -> dict[str, Any]:
        return {"orderRef": self.ref, "merchant": self.merchant.code, "amountDong": self.amount_dong,
                "state": self.state, "result": self.result, "ipnAttempts": self.attempts}


class Gateway:
    """Orders by vnp_TxnRef (one sandbox serves a few merchants whose references do not collide) and the deliveries
    of their IPNs, retried after each of `retry_delays` seconds while the merchant is unreachable or answers
    anything but 00/02."""

    def __init__(self, merchants: dict[str, Merchant], *, retry_delays: Sequence[float],
                 now: Callable[[], datetime]) -> None:
        self.merchants = merchants
        self.orders: dict[str, Order] = {}
        self.retry_delays = tuple(retry_delays)
        self.now = now
        self.deliveries: set[asyncio.Task[None]] = set()
        self.client = httpx.AsyncClient(timeout=10)

    def settle(self, order: Order, *, pay: bool) -> dict[str, str]:
        """Pay or cancel a pending order: record its signed result and start delivering its IPN."""
        now = self.now()
        if order.state == "PENDING":
            expired = order.expired(now)
            paid = pay and not expired
            code = SUCCESS if paid else (EXPIRED if expired else CANCELLED_BY_BUYER)
            order.state = "PAID" if paid else ("EXPIRED" if expired else "CANCELLED")
            order.result = self._result(order, code, paid=paid, now=now)
            self.deliver(order)
        assert order.result is not None
        return order.result

    def _result(self, order: Order, code: str, *, paid: bool, now: datetime) -> dict[str, str]:
        keep = ("vnp_Amount", "vnp_OrderInfo", "vnp_TmnCode", "vnp_TxnRef")
        params = {key: order.params[key] for key in keep}
        params.update({
            "vnp_BankCode": BANK,
            "vnp_ResponseCode": code,
            "vnp_TransactionStatus": SUCCESS if paid else FAILED,
            "vnp_TransactionNo": str(14_000_000 + secrets.randbelow(1_000_000)) if paid else "0",
            "vnp_PayDate": gateway_time(now),
        })
        if paid:
            params.update({"vnp_BankTranNo": f"VNP{secrets.randbelow(10**8):08d}", "vnp_CardType": "ATM"})
        return signed(params, order.merchant.secret)

    def deliver(self, order: Order) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(order))
        self.deliveries.add(task)
        task.add_done_callback(self.deliveries.discard)

    async def _deliver(self, order: Order) -> None:
        assert order.result is not None
        for delay in (0.0, *self.retry_delays):
            await asyncio.sleep(delay)
            attempt: dict[str, Any] = {"at": self.now().astimezone(VIETNAM).isoformat()}
            order.attempts.append(attempt)
            try:
                response = await self.client.get(order.merchant.ipn_url, params=order.result)
                attempt["status"] = response.status_code
                answer = response.json()
                attempt["answer"] = answer
                if isinstance(answer, dict) and answer.get("RspCode") in FINAL_ANSWERS:
                    return
            except (httpx.HTTPError, ValueError) as error:
                attempt["error"] = type(error).__name__
        log.warning("IPN for %s not confirmed after %d attempts", order.ref, len(order.attempts))

    def report(self, merchant: Merchant, day: str) -> list[dict[str, str]]:
        """The settled transactions of `merchant` whose pay date falls on `day` (yyyyMMdd, Vietnam's calendar)."""
        return [order.result for order in self.orders.values()
                if order.merchant == merchant and order.result is not None
                and order.result["vnp_PayDate"].startswith(day)]

    async def close(self) -> None:
        for task in list(self.deliveries):
            task.cancel()
        await asyncio.gather(*self.deliveries, return_exceptions=True)
        await self.client.aclose()
