"""The command line as an operator meets it: one-line errors, a service that starts, serves and stops cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(extra)
    return env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "main.py", *args]
    return subprocess.run(command, cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=120, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert lines[-1].startswith("error: ")
    return lines[-1]


def _wait_ready(process: subprocess.Popen[str], port: int, log_path: Path, seconds: float = 120) -> None:
    """Until `serve` answers /readyz; fails with its log if it exits or takes longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    pytest.fail(f"serve did not become ready: {log_path.read_text()[-2000:]}")


def test_a_malformed_database_url_is_one_line() -> None:
    line = _one_line_error(_run("serve", DATABASE_URL="postgresql://u@h:port/db"))

    assert "DATABASE_URL" in line


def test_an_unreachable_database_is_one_line() -> None:
    line = _one_line_error(_run("migrate", DATABASE_URL="postgresql://nobody@127.0.0.1:9/none"))

    assert "cannot reach the database" in line


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        line = _one_line_error(_run("serve", VSSID_PORT=str(port), DATABASE_URL="postgresql://u@127.0.0.1:9/x"))

    assert "already in use" in line


def test_demo_logins_print_as_json_for_scripts() -> None:
    result = _run("demo-logins", "--json")

    logins = json.loads(result.stdout)
    roles = {login["role"] for login in logins}
    assert {"citizen", "agency_officer", "partner"} <= roles


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[str], int, Path]]:
    """`python main.py serve` on a new data directory: embedded PostgreSQL, migrations, demo data, GraphQL."""
    data_dir = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = _env(VSSID_DATA_DIR=str(data_dir), VSSID_PORT=str(port), VSSID_DEMO_PERSONS="20")
    log_path = data_dir / "serve.log"
    log = log_path.open("w")
    command = [sys.executable, "main.py", "serve"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log, stdout=subprocess.DEVNULL, text=True)
    _wait_ready(process, port, log_path, seconds=240)
    yield process, port, data_dir
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)
    log.close()


@pytest.mark.slow
def test_serve_answers_graphql_over_the_demo_data(served: tuple[subprocess.Popen[str], int, Path]) -> None:
    _, port, _ = served

    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ provinces { code } }"}, timeout=10)

    assert response.status_code == 200
    assert len(response.json()["data"]["provinces"]) == 34


@pytest.mark.slow
def test_a_second_serve_on_the_same_data_directory_is_one_line(
    served: tuple[subprocess.Popen[str], int, Path],
) -> None:
    _, _, data_dir = served

    line = _one_line_error(_run("serve", VSSID_DATA_DIR=str(data_dir), VSSID_PORT=str(_free_port())))

    assert "already using the data directory" in line


@pytest.mark.slow
def test_ctrl_c_stops_the_service_and_the_embedded_database(
    served: tuple[subprocess.Popen[str], int, Path],
) -> None:
    process, port, data_dir = served

    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=60)

    assert code == 0
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


@pytest.mark.slow
async def test_serve_with_two_workers_shares_the_port_and_sums_metrics_over_them(db_dsn: str, tmp_path: Path) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from tests.service.serving import serve

    with serve(db_dsn, tmp_path / "serve.log", VSSID_WORKERS="2", VSSID_DB_POOL_MAX="3") as served:
        # Ready means one worker answers; the other may still be starting (a busy machine): wait until both have
        # finished their start-up (pool open), each saying so in the log under its own pid.
        deadline = time.monotonic() + 60
        while True:
            started = {
                line["pid"] for line in served.log_lines()
                if line["logger"] == "uvicorn" and line["message"] == "Application startup complete."
            }
            if len(started) >= 2 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        workers = {
            child.pid for child in psutil.Process(served.process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())
        }
        for _ in range(10):  # a new connection each: the kernel hands them to either worker
            async with httpx.AsyncClient(base_url=served.url) as http:
                response = await http.post("/graphql", json={"query": "query P { provinces { code } }"})
            assert response.status_code == 200
        async with httpx.AsyncClient(base_url=served.url) as http:
            text = (await http.get("/metrics")).text
        served.process.send_signal(signal.SIGTERM)
        code = served.process.wait(timeout=60)

    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert code == 0
    assert len(workers) == 2
    assert started == workers
    # whichever worker answered the scrape, it reports both: their pools (3 each) and every request
    assert samples[("vssid_db_pool_connections", (("state", "max"),))] == 6
    assert samples[("vssid_graphql_requests_total", (("operation", "P"), ("outcome", "ok")))] == 10
    assert {line["pid"] for line in served.requests()} <= workers


PRODUCTION_KEYS = "k1:" + "production-test-secret-" * 2
PRODUCTION_CARD_KEYS = "c1:" + "cHJvZHVjdGlvbi10ZXN0LWNhcmQtc2lnbmluZy1rZXk"  # 32 bytes, base64url
PRODUCTION_GATEWAY = {"VSSID_PAYMENT_GATEWAY_URL": "https://gateway.invalid",
                      "VSSID_PAYMENT_MERCHANT": "VSSID01:" + "S" * 32}
README_LOGIN = 'mutation { login(socialInsuranceCode: "0190000001", password: "VssID-demo-2026!") { errors { code } } }'
CARD_CHECK = (
    '{ verifyInsuranceCard(cardNumber: "0190000001", fullName: "Nguyễn Văn An", dateOfBirth: "1990-01-01") { valid } }'
)


def _readme_credentials_fail(port: int) -> None:
    """The README's citizen password and partner key open nothing."""
    from seed.demo import PARTNER_API_KEY

    base = f"http://127.0.0.1:{port}"
    login = httpx.post(f"{base}/graphql", json={"query": README_LOGIN}, timeout=30).json()
    assert login["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    checked = httpx.post(
        f"{base}/graphql/partner", json={"query": CARD_CHECK}, headers={"X-API-Key": PARTNER_API_KEY}, timeout=30
    ).json()
    assert checked["data"]["verifyInsuranceCard"] is None
    assert checked["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.slow
def test_production_on_an_empty_data_directory_holds_no_demo_logins(tmp_path: Path) -> None:
    # given `serve` in production on a new data directory (embedded PostgreSQL, migrations, no demo data)
    port = _free_port()
    env = _env(
        VSSID_DATA_DIR=str(tmp_path / "data"), VSSID_PORT=str(port), VSSID_ENV="production",
        VSSID_SECRET_KEYS=PRODUCTION_KEYS, VSSID_CARD_SIGNING_KEYS=PRODUCTION_CARD_KEYS, **PRODUCTION_GATEWAY,
    )  # fmt: skip
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve"], cwd=ROOT, env=env, stderr=log, stdout=subprocess.DEVNULL, text=True
        )
        try:
            _wait_ready(process, port, log_path)

            # then the README's credentials fail, and the start-up line says so (in JSON: the log is not a terminal)
            _readme_credentials_fail(port)
            logged = log_path.read_text()
            [serving] = [json.loads(line) for line in logged.splitlines() if '"message": "serving"' in line]
            assert serving["environment"] == "production"
            assert serving["graphiql"] is False and serving["demo_data"] is False
            assert "VssID-demo-2026!" not in logged
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


@pytest.mark.slow
async def test_production_refuses_a_database_holding_the_demo_logins_until_they_are_removed(
    db_dsn: str, tmp_path: Path
) -> None:
    from tests.service.serving import serve

    # given a database loaded in development, demo logins included
    refused = _one_line_error(
        _run("serve", DATABASE_URL=db_dsn, VSSID_ENV="production", VSSID_SECRET_KEYS=PRODUCTION_KEYS,
             VSSID_CARD_SIGNING_KEYS=PRODUCTION_CARD_KEYS, VSSID_PORT=str(_free_port()), **PRODUCTION_GATEWAY)
    )  # fmt: skip
    assert "demo logins" in refused and "demo-logins --remove" in refused

    # when the operator removes them
    removed = _run("demo-logins", "--remove", DATABASE_URL=db_dsn)
    assert removed.returncode == 0, removed.stderr

    # then production serves that database, and the README's credentials open nothing
    production = {"VSSID_SECRET_KEYS": PRODUCTION_KEYS, "VSSID_CARD_SIGNING_KEYS": PRODUCTION_CARD_KEYS,
                  **PRODUCTION_GATEWAY}
    with serve(db_dsn, tmp_path / "serve.log", VSSID_ENV="production", **production) as served:
        _readme_credentials_fail(served.port)


def test_version_and_help_name_every_option_and_variable() -> None:
    from core.settings import environment_variables

    assert _run("--version").stdout.strip().endswith(("0.1.0", "(not installed)"))
    helped = _run("serve", "--help").stdout
    assert all(option in helped for option in ("--host", "--port", "--workers", "--reload"))
    assert all(name in helped for name, _ in environment_variables()) and "docs/operations.md" in helped


@pytest.mark.slow
def test_serve_takes_its_address_and_reloading_from_the_command_line(db_dsn: str, tmp_path: Path) -> None:
    # given `serve --port P --reload` (no VSSID_PORT): the options are the ones used
    port = _free_port()
    command = [sys.executable, "main.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--reload"]
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=_env(DATABASE_URL=db_dsn), stderr=log, text=True)
        try:
            _wait_ready(process, port, tmp_path / "serve.log")
        finally:
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=60)
    assert code == 0
    assert _one_line_error(_run("serve", "--port", "70000", DATABASE_URL=db_dsn)).endswith("1 to 65535")


def test_partitions_lists_the_years_and_detaches_only_an_old_one(db_dsn: str) -> None:
    listed = _run("partitions", DATABASE_URL=db_dsn)
    recent = _run("partitions", "--detach", "2025", DATABASE_URL=db_dsn)
    old = _run("partitions", "--detach", "2017", "--keep-years", "5", DATABASE_URL=db_dsn)
    after = _run("partitions", "--ahead", "0", DATABASE_URL=db_dsn)

    assert listed.returncode == 0, listed.stderr
    assert "medical_visits_2017" in listed.stdout and "medical_visits_2027" in listed.stdout
    assert recent.returncode == 1 and "cannot detach 2025" in recent.stdout
    assert old.returncode == 0 and "detached 2017 as archive_medical_visits_2017" in old.stdout
    assert "medical_visits_2017" not in after.stdout and "medical_visits_2018" in after.stdout
