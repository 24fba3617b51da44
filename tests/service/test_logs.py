"""Structured logs: one JSON line per request, with a request id and no personal data, tokens or passwords."""

from __future__ import annotations

import json
import logging
import sys

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.settings import Settings
from service.logs import JsonFormatter, TextFormatter, UvicornNames
from tests.clients import app_client
from tests.graphql import contract

LOGIN = contract("mobile/Login")
CODE = "0190000001"
PASSWORD = "VssID-demo-2026!"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(r) for r in caplog.records if r.name == "vssid.request"]


async def test_a_login_is_logged_as_one_json_line_without_its_secrets(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vssid.request")

    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"socialInsuranceCode": CODE, "password": PASSWORD}}
    )

    login = response.json()["data"]["login"]
    assert login["accessToken"]
    [text] = _request_lines(caplog)
    line = json.loads(text)
    assert line["request_id"] == response.headers["x-request-id"]
    assert {k: line[k] for k in ("message", "route", "status", "operation", "viewer", "errors")} == {
        "message": "request", "route": "/graphql", "status": 200, "operation": "Login", "viewer": "ANONYMOUS",
        "errors": [],
    }
    assert line["duration_ms"] > 0
    for secret in (PASSWORD, CODE, login["accessToken"], login["refreshToken"], "203.0.113.7"):
        assert secret not in text


async def test_a_signed_in_request_logs_the_viewer_kind_and_error_codes_only(
    shared_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vssid.request")
    token = "vsa_not-a-real-token"

    headers = {"Authorization": f"Bearer {token}"}
    await shared_client.post("/graphql", json={"query": "query Me { me { id } }"}, headers=headers)

    [text] = _request_lines(caplog)
    line = json.loads(text)
    assert (line["operation"], line["viewer"], line["errors"]) == ("Me", "ANONYMOUS", ["UNAUTHENTICATED"])
    assert token not in text


async def test_a_well_formed_request_id_from_the_caller_is_kept(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.get("/healthz", headers={"X-Request-Id": "edge-7f3a9c1e"})

    assert response.headers["x-request-id"] == "edge-7f3a9c1e"


@pytest.mark.parametrize("sent", ["short", "has spaces in it", "x" * 65, "line\\nbreak-injected"])
async def test_a_malformed_request_id_is_replaced(shared_client: httpx.AsyncClient, sent: str) -> None:
    response = await shared_client.get("/healthz", headers={"X-Request-Id": sent})

    assert response.headers["x-request-id"] != sent
    assert len(response.headers["x-request-id"]) == 32


def test_other_events_are_json_lines_too_with_the_exception_inside() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("vssid", logging.ERROR, __file__, 1, "failed %s", ("once",), sys.exc_info())

    text = JsonFormatter().format(record)

    assert "\n" not in text
    line = json.loads(text)
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "vssid", "failed once")
    assert "ValueError: boom" in line["exception"]


async def test_an_unhandled_error_is_a_json_500_with_the_request_id_and_no_internals(
    shared_settings: Settings, shared_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given a route that fails in a way nothing handles
    async def broken(request: Request) -> Response:
        raise RuntimeError("secret internals")

    async with app_client(shared_settings, shared_dsn) as served:
        served.app.router.routes.append(Route("/broken", broken))
        response = await served.http.get("/broken")

    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert response.json()["errors"][0]["extensions"] == {"code": "INTERNAL_ERROR", "requestId": request_id}
    assert "secret internals" not in response.text
    # and the full error is in the log under the same id
    [logged] = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert "secret internals" in JsonFormatter().format(logged)
    assert logged.fields == {"request_id": request_id}  # type: ignore[attr-defined]


def test_a_text_line_carries_the_same_fields_as_a_json_line() -> None:
    record = logging.LogRecord("vssid.request", logging.INFO, __file__, 1, "request", None, None)
    fields = {"status": 415, "route": "/graphql", "errors": ["UNSUPPORTED_MEDIA_TYPE"], "viewer": None}
    record.fields = fields
    text = TextFormatter().format(record)
    json_line = json.loads(JsonFormatter().format(record))

    assert text.split(" ", 2)[2].startswith("INFO vssid.request: request ")
    for key, value in fields.items():
        assert json_line[key] == value and f"{key}=" in text
    assert 'errors=["UNSUPPORTED_MEDIA_TYPE"]' in text and "status=415" in text
    # and uvicorn's general logger is not written as an error logger
    started = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, "Started server process", None, None)
    assert UvicornNames().filter(started) and started.name == "uvicorn"


async def test_a_request_refused_before_it_runs_logs_its_code(
    shared_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vssid.request")

    plain = {"Content-Type": "text/plain"}
    response = await shared_client.post("/graphql", content="{ provinces { code } }", headers=plain)

    [text] = _request_lines(caplog)
    assert response.status_code == 415
    assert json.loads(text)["errors"] == ["UNSUPPORTED_MEDIA_TYPE"]
