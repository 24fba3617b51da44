"""`python -m payments.sandbox` runs the sandbox as its own process, as the demo does."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import psutil

from payments.gateway import VIETNAM, GatewayConfig, payment_url

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_the_sandbox_runs_as_its_own_process() -> None:
    port = _free_port()
    config = GatewayConfig(f"http://127.0.0.1:{port}", "VSSIDP01", "PROCESS-SECRET")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "payments.sandbox", "--port", str(port),
        "--merchant", f"{config.merchant_code}:{config.secret}:http://127.0.0.1:9/ipn",
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        now = datetime.now(VIETNAM)
        url = payment_url(config, order_ref="HGD-PROC", amount_dong=2_148_120, description="Gia hạn BHYT",
                          return_url="https://app.test/return", client_ip="127.0.0.1", created_at=now,
                          expires_at=now + timedelta(minutes=15))
        async with httpx.AsyncClient() as http:
            page = None
            for _ in range(300):  # up to 30 s for the interpreter to start on a busy machine
                try:
                    page = await http.get(url)
                    break
                except httpx.ConnectError:
                    assert process.returncode is None, "the sandbox exited"
                    await asyncio.sleep(0.1)
            assert page is not None and page.status_code == 200 and "2.148.120 ₫" in page.text
    finally:
        process.terminate()
        await process.wait()


def test_a_sandbox_started_with_exit_with_parent_stops_when_its_parent_is_killed() -> None:
    """`serve` starts the sandbox so: a `serve` killed outright (SIGKILL, no clean-up) leaves no gateway behind."""
    port = _free_port()
    starter = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-m', 'payments.sandbox', '--port', '{port}', '--merchant',"
        " 'VSSIDP01:S:http://127.0.0.1:9/ipn', '--exit-with-parent'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", starter], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    sandbox = int(parent.stdout.readline())
    for _ in range(300):  # listening, up to 30 s on a busy machine
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise AssertionError("the sandbox did not start")
    parent.kill()
    parent.wait()
    parent.stdout.close()
    for _ in range(100):  # gone within 10 s (or a zombie no one has reaped yet: it has exited)
        try:
            if psutil.Process(sandbox).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)
    os.kill(sandbox, signal.SIGKILL)
    raise AssertionError("the sandbox outlived its parent")
