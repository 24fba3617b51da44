"""The sandbox gateway served over real HTTP for a test: `async with payment_sandbox(ipn_url=...) as config:`."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from payments.gateway import GatewayConfig
from payments.sandbox import Merchant, create_app
from tests.served import serving

MERCHANT_CODE = "VSSIDT01"
# Short back-off so that a retried IPN arrives within a test.
TEST_RETRY_DELAYS = (0.05, 0.1, 0.2)


@asynccontextmanager
async def payment_sandbox(*, ipn_url: str, merchant_code: str = MERCHANT_CODE,
                          retry_delays: Sequence[float] = TEST_RETRY_DELAYS) -> AsyncIterator[GatewayConfig]:
    """A sandbox gateway on a free loopback port knowing one merchant (a fresh secret) whose IPN goes to `ipn_url`."""
    secret = secrets.token_hex(16).upper()
    app = create_app([Merchant(merchant_code, secret, ipn_url)], retry_delays=retry_delays)
    async with serving(app) as base_url:
        yield GatewayConfig(base_url=base_url, merchant_code=merchant_code, secret=secret)
