"""Test helper: real `python main.py serve` processes on a test database (DATABASE_URL), with their JSON logs."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines of the service log (the start-up banner and other plain lines left out)."""
        lines = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.log_lines() if line["logger"] == "vssid.request"]


@contextlib.contextmanager
def serve(dsn: str, log_path: Path, **env: str) -> Iterator[Served]:
    """`python main.py serve` on `dsn` with `env`, on a free port (or VSSID_PORT, when another party must know it
    beforehand)."""
    port = int(env.pop("VSSID_PORT", "0")) or free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VSSID_")}
    environment.update(DATABASE_URL=dsn, VSSID_PORT=str(port), **env)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve"], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=log,
            text=True,
        )
        served = Served(process, port, log_path)
        try:
            _wait_ready(served)
            yield served
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


def _wait_ready(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{served.url}/readyz", timeout=2).status_code == 200:
                return
        if served.process.poll() is not None:
            raise AssertionError(served.log_path.read_text(encoding="utf-8"))
        time.sleep(0.3)
    raise AssertionError("serve did not become ready")
