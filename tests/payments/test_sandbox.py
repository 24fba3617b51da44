"""The sandbox gateway over real HTTP: the payment page, paying and cancelling, the IPN and its retries, the report."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from payments.gateway import (
    VIETNAM,
    GatewayConfig,
    GatewayError,
    InvalidSignature,
    IpnAnswer,
    fetch_report,
    parse_result,
    payment_url,
)
from tests.payment_sandbox import payment_sandbox
from tests.served import serving

RETURN_URL = "https://app.test/payment-return"


@dataclass
class IpnRecorder:
    """A merchant's IPN endpoint that answers 99 to its first `failures` calls, then 00, recording every call."""

    failures: int = 0
    calls: list[dict[str, str]] = field(default_factory=list)

    async def ipn(self, request: Request) -> Response:
        self.calls.append(dict(request.query_params))
        answer = IpnAnswer.UNKNOWN_ERROR if len(self.calls) <= self.failures else IpnAnswer.CONFIRMED
        return JSONResponse(answer.as_json())

    async def wait_for(self, count: int) -> None:
        for _ in range(1000):  # at most 20 s on a busy machine; usually a few ms
            if len(self.calls) >= count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{len(self.calls)} IPN calls, expected {count}")


@asynccontextmanager
async def gateway_and_merchant(failures: int = 0) -> AsyncIterator[tuple[GatewayConfig, IpnRecorder]]:
    recorder = IpnRecorder(failures)
    merchant = serving(Starlette(routes=[Route("/ipn", recorder.ipn)]), lifespan="off")
    async with merchant as merchant_url, payment_sandbox(ipn_url=f"{merchant_url}/ipn") as config:
        yield config, recorder


def _url(config: GatewayConfig, ref: str, amount: int = 1_263_600) -> str:
    now = datetime.now(VIETNAM)
    return payment_url(config, order_ref=ref, amount_dong=amount, description="Gia hạn BHYT hộ gia đình 12 tháng",
                       return_url=RETURN_URL, client_ip="127.0.0.1", created_at=now,
                       expires_at=now + timedelta(minutes=15))


async def test_the_payment_page_shows_the_order_in_vietnamese() -> None:
    async with gateway_and_merchant() as (config, _), httpx.AsyncClient() as http:
        page = await http.get(_url(config, "HGD-PAGE"))
        assert page.status_code == 200 and 'lang="vi"' in page.text
        for words in ("1.263.600 ₫", "Thanh toán", "Hủy giao dịch", "HGD-PAGE", "Gia hạn BHYT hộ gia đình"):
            assert words in page.text
        assert "://" not in page.text and "<script" not in page.text  # nothing loaded from elsewhere


async def test_a_forged_payment_url_is_refused() -> None:
    async with gateway_and_merchant() as (config, _), httpx.AsyncClient() as http:
        forged = _url(config, "HGD-FORGED").replace("vnp_Amount=126360000", "vnp_Amount=100")
        page = await http.get(forged)
        assert page.status_code == 400 and "97" in page.text
        assert (await http.get(f"{config.base_url}/sandbox/orders/HGD-FORGED")).status_code == 404


async def test_paying_sends_a_signed_ipn_and_redirects_with_the_same_result() -> None:
    async with gateway_and_merchant() as (config, recorder), httpx.AsyncClient() as http:
        await http.get(_url(config, "HGD-PAY"))
        paid = (await http.post(f"{config.base_url}/sandbox/orders/HGD-PAY/pay")).json()
        await recorder.wait_for(1)
        ipn = parse_result(recorder.calls[0], config)
        assert ipn.succeeded and ipn.order_ref == "HGD-PAY" and ipn.amount_dong == 1_263_600
        location = urlsplit(paid["redirect"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
        assert parse_result(dict(parse_qsl(location.query)), config) == ipn
        state = (await http.get(f"{config.base_url}/sandbox/orders/HGD-PAY")).json()
        assert state["state"] == "PAID" and state["ipnAttempts"][0]["answer"]["RspCode"] == "00"


async def test_the_browser_buttons_redirect_to_the_return_url() -> None:
    async with gateway_and_merchant() as (config, recorder), httpx.AsyncClient() as http:
        await http.get(_url(config, "HGD-BROWSER"))
        answer = await http.post(f"{config.base_url}/paymentv2/orders/HGD-BROWSER/cancel")
        assert answer.status_code == 303 and answer.headers["location"].startswith(RETURN_URL + "?")
        result = parse_result(dict(parse_qsl(urlsplit(answer.headers["location"]).query)), config)
        assert result.response_code == "24" and not result.succeeded
        await recorder.wait_for(1)


async def test_an_unconfirmed_ipn_is_retried_until_confirmed() -> None:
    async with gateway_and_merchant(failures=2) as (config, recorder), httpx.AsyncClient() as http:
        await http.get(_url(config, "HGD-RETRY"))
        await http.post(f"{config.base_url}/sandbox/orders/HGD-RETRY/pay")
        await recorder.wait_for(3)
        await asyncio.sleep(0.3)  # longer than the remaining back-off: no call after the confirmation
        assert len(recorder.calls) == 3 and recorder.calls[0] == recorder.calls[2]
        attempts = (await http.get(f"{config.base_url}/sandbox/orders/HGD-RETRY")).json()["ipnAttempts"]
        assert [a["answer"]["RspCode"] for a in attempts] == ["99", "99", "00"]


async def test_an_unreachable_merchant_is_retried_and_then_given_up() -> None:
    async with payment_sandbox(ipn_url="http://127.0.0.1:9/ipn") as config, httpx.AsyncClient() as http:
        await http.get(_url(config, "HGD-DOWN"))
        await http.post(f"{config.base_url}/sandbox/orders/HGD-DOWN/pay")
        for _ in range(400):  # at most 20 s on a busy machine
            attempts = (await http.get(f"{config.base_url}/sandbox/orders/HGD-DOWN")).json()["ipnAttempts"]
            # an attempt is listed when it starts and gets its outcome when its request ends: wait for the fourth's
            if len(attempts) == 4 and all("error" in a or "status" in a for a in attempts):
                break
            await asyncio.sleep(0.05)
        assert len(attempts) == 4 and all("error" in a for a in attempts)


async def test_replaying_sends_the_same_ipn_again_and_paying_twice_changes_nothing() -> None:
    async with gateway_and_merchant() as (config, recorder), httpx.AsyncClient() as http:
        await http.get(_url(config, "HGD-REPLAY"))
        first = (await http.post(f"{config.base_url}/sandbox/orders/HGD-REPLAY/pay")).json()
        await recorder.wait_for(1)
        again = (await http.post(f"{config.base_url}/sandbox/orders/HGD-REPLAY/pay")).json()
        assert again["result"] == first["result"]
        replay = await http.post(f"{config.base_url}/sandbox/orders/HGD-REPLAY/replay-ipn")
        assert replay.status_code == 202
        await recorder.wait_for(2)
        assert recorder.calls[1] == recorder.calls[0]


async def test_the_daily_report_lists_the_settled_orders_signed() -> None:
    async with gateway_and_merchant() as (config, _), httpx.AsyncClient() as http:
        for ref, action in (("HGD-R1", "pay"), ("HGD-R2", "cancel"), ("HGD-R3", None)):
            await http.get(_url(config, ref, amount=884_520))
            if action:
                await http.post(f"{config.base_url}/sandbox/orders/{ref}/{action}")
        rows = await fetch_report(config, datetime.now(VIETNAM).date(), http)
        assert {(r.order_ref, r.amount_dong, r.status) for r in rows} == {
            ("HGD-R1", 884_520, "00"), ("HGD-R2", 884_520, "02")}
        assert await fetch_report(config, date(2020, 1, 1), http) == []
        with pytest.raises(GatewayError) as refused:  # the gateway refuses a request not signed with our secret
            await fetch_report(GatewayConfig(config.base_url, config.merchant_code, "WRONG"), date.today(), http)
        assert type(refused.value) is GatewayError and "97" in str(refused.value)


async def test_a_report_with_a_tampered_row_is_refused() -> None:
    async with gateway_and_merchant() as (config, _), httpx.AsyncClient() as http:
        await http.get(_url(config, "HGD-T1"))
        await http.post(f"{config.base_url}/sandbox/orders/HGD-T1/pay")

        async def tamper(response: httpx.Response) -> None:
            await response.aread()
            body: dict[str, Any] = response.json()
            body["rows"][0]["vnp_Amount"] = "100"
            response._content = httpx.Response(200, json=body).content

        async with httpx.AsyncClient(event_hooks={"response": [tamper]}) as tampering:
            with pytest.raises(InvalidSignature):
                await fetch_report(config, datetime.now(VIETNAM).date(), tampering)


async def test_paying_after_the_expiry_settles_as_expired() -> None:
    async with gateway_and_merchant() as (config, recorder), httpx.AsyncClient() as http:
        past = datetime.now(VIETNAM) - timedelta(hours=1)
        url = payment_url(config, order_ref="HGD-LATE", amount_dong=105_300, description="Gia hạn BHYT",
                          return_url=RETURN_URL, client_ip="127.0.0.1", created_at=past,
                          expires_at=past + timedelta(minutes=15))
        await http.get(url)
        answer = (await http.post(f"{config.base_url}/sandbox/orders/HGD-LATE/pay")).json()
        assert answer["state"] == "EXPIRED" and answer["result"]["vnp_ResponseCode"] == "11"
        await recorder.wait_for(1)
        assert not parse_result(recorder.calls[0], config).succeeded
