"""`main.py serve --replica`: the embedded primary, a standby made from its binaries, and the service reading on it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from db.replica_server import StreamingReplica

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = (ROOT / "contract" / "public" / "Provinces.graphql").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _replica_state(port: int) -> str | None:
    try:
        body = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).json()
    except (httpx.TransportError, ValueError):
        return None
    replicas = body.get("replicas") or [{}]
    state: str | None = replicas[0].get("state")
    return state


@pytest.mark.slow
def test_serve_with_a_replica_reads_on_it_and_stops_it(tmp_path: Path) -> None:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the standby is made from the embedded server's binaries and data directory")
    # given `serve --replica` on an empty data folder (a small demo data set)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URLS"}}
    env |= {"VSSID_DATA_DIR": str(tmp_path / "data"), "VSSID_PORT": str(port), "VSSID_DEMO_PERSONS": "10",
            "VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0", "VSSID_INBOX_SECONDS": "0"}
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "main.py", "serve", "--replica"], cwd=ROOT, env=env,
                                   stderr=log, stdout=log, text=True)
    standby = tmp_path / "data" / "replicas" / "replica1"
    try:
        deadline = time.monotonic() + 300
        while _replica_state(port) != "healthy":
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)

        # when a client queries
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": PROVINCES}, timeout=10)

        # then it is answered from the standby
        assert answer.status_code == 200 and "errors" not in answer.json()
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert 'vssid_db_read_routes_total{route="replica"} 1.0' in metrics
        assert StreamingReplica("", standby, 5433).pid() is not None
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=120)
    # and Ctrl-C stops the service and the standby with it
    assert code == 0, (tmp_path / "serve.log").read_text()
    assert StreamingReplica("", standby, 5433).pid() is None
