"""In development `serve` starts the sandbox payment gateway as its own process and points the settings at it; with
a gateway configured (always in production) it starts nothing."""

from __future__ import annotations

import dataclasses
import os

import httpx
import pytest

from core.settings import load_settings
from service.sandbox import MERCHANT_CODE, sandbox_gateway

pytestmark = pytest.mark.slow


def test_development_gets_a_sandbox_gateway_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # recorded so that the values the sandbox puts in this process's environment are taken out afterwards
    monkeypatch.setenv("VSSID_PAYMENT_GATEWAY_URL", "")
    monkeypatch.setenv("VSSID_PAYMENT_MERCHANT", "")
    settings = load_settings({})
    with sandbox_gateway(settings) as served:
        # the sandbox answers its report route (a signed request is needed: an unsigned one is refused, 400)
        assert served.payment_gateway_url is not None
        refused = httpx.get(f"{served.payment_gateway_url}/merchant_webapi/report", timeout=10)
        assert refused.status_code == 400
        code, secret = served.payment_merchant[0]
        assert code == MERCHANT_CODE and len(secret) == 32
        # worker processes read the same values
        assert os.environ["VSSID_PAYMENT_GATEWAY_URL"] == served.payment_gateway_url
        assert os.environ["VSSID_PAYMENT_MERCHANT"] == f"{code}:{secret}"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{served.payment_gateway_url}/merchant_webapi/report", timeout=10)


def test_a_configured_gateway_starts_nothing() -> None:
    settings = dataclasses.replace(load_settings({}), payment_gateway_url="https://gateway.invalid")
    with sandbox_gateway(settings) as served:
        assert served is settings
