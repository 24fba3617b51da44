"""In development, when no gateway is configured, `serve` starts the sandbox payment gateway (payments/sandbox) as
its own process on a free loopback port, like the embedded database, with a fresh merchant secret; its
notifications come back to this service's IPN route. Production never runs it (the settings require a gateway)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from core.settings import Settings
from resolvers.applications.payment import IPN_PATH

MERCHANT_CODE = "VSSIDDEV"
START_TIMEOUT_SECONDS = 30
log = logging.getLogger("vssid")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox payment gateway stopped at start (exit status {process.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError("the sandbox payment gateway did not start listening")


@contextlib.contextmanager
def sandbox_gateway(settings: Settings) -> Iterator[Settings]:
    """The settings to serve with: as they are when a gateway is configured (or in production), else pointing at a
    sandbox started here and stopped on exit. Worker processes read the same values from the environment."""
    if settings.is_production or settings.payment_gateway_url:
        yield settings
        return
    port, secret = _free_port(), secrets.token_hex(16).upper()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104 - compared only
    ipn_url = f"http://{host}:{settings.port}{IPN_PATH}"
    command = [sys.executable, "-m", "payments.sandbox", "--port", str(port),
               "--merchant", f"{MERCHANT_CODE}:{secret}:{ipn_url}", "--exit-with-parent"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 - our own module, no shell
    try:
        _wait_listening(port, process)
        url = f"http://127.0.0.1:{port}"
        os.environ["VSSID_PAYMENT_GATEWAY_URL"] = url
        os.environ["VSSID_PAYMENT_MERCHANT"] = f"{MERCHANT_CODE}:{secret}"
        log.info("sandbox payment gateway at %s (merchant %s)", url, MERCHANT_CODE)
        yield dataclasses.replace(settings, payment_gateway_url=url, payment_merchant=((MERCHANT_CODE, secret),))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
