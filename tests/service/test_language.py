"""Vietnamese by default, English on request: every kind of message in both, the codes unchanged.

The test clients send `Accept-Language: en` (tests/clients.py); these tests take it off to ask as a client that
says nothing, then send it again per request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import texts
from core.settings import Settings
from schema import registration
from service import limits, ratelimit
from service.language import with_language
from tests.clients import app_client, asgi_client, fresh_address
from tests.factories import PASSWORD, make_account, make_citizen
from tests.graphql import contract, gql

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
BAD_ID = {"query": 'query { node(id: "nonsense") { id } }'}
PROVINCES = {"query": "query { provinces { code } }"}
LOGIN = contract("mobile/Login")
GRANT = contract("mobile/GrantAccess")


@pytest.fixture
async def unsaid(shared_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the shared app that sends no Accept-Language, from an address of its own."""
    async with asgi_client(shared_app, fresh_address()) as http:
        del http.headers["Accept-Language"]
        yield http


def _first_error(response: httpx.Response) -> tuple[str, str]:
    error = response.json()["errors"][0]
    return error["extensions"]["code"], error["message"]


async def test_a_field_error_is_vietnamese_unless_english_is_asked_for(unsaid: httpx.AsyncClient) -> None:
    vietnamese = await unsaid.post("/graphql", json=BAD_ID)
    english = await unsaid.post("/graphql", json=BAD_ID, headers=ENGLISH)

    assert _first_error(vietnamese) == ("INVALID_ID", "Mã định danh (ID) không hợp lệ.")
    assert _first_error(english) == ("INVALID_ID", "this is not an ID this API gave out")
    assert vietnamese.headers["content-language"] == "vi" and english.headers["content-language"] == "en"
    assert "Accept-Language" in vietnamese.headers["vary"]


async def test_a_request_refused_before_it_runs_speaks_the_asked_language(unsaid: httpx.AsyncClient) -> None:
    plain = {"content-type": "text/plain"}
    vietnamese = await unsaid.post("/graphql", content=b"{}", headers=plain)
    english = await unsaid.post("/graphql", content=b"{}", headers={**plain, **ENGLISH})

    assert vietnamese.status_code == english.status_code == 415
    assert _first_error(vietnamese) == (
        "UNSUPPORTED_MEDIA_TYPE", "Vui lòng gửi thao tác với Content-Type: application/json."
    )
    assert _first_error(english) == ("UNSUPPORTED_MEDIA_TYPE", "Send the operation as Content-Type: application/json.")
    assert vietnamese.headers["content-language"] == "vi"


async def test_the_rate_limit_message_speaks_the_asked_language(
    unsaid: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "PUBLIC_REQUESTS_PER_WINDOW", 1)
    assert (await unsaid.post("/graphql", json=PROVINCES)).status_code == 200

    vietnamese = await unsaid.post("/graphql", json=PROVINCES)
    english = await unsaid.post("/graphql", json=PROVINCES, headers={"Accept-Language": "fr;q=0.9, en;q=0.5"})

    assert vietnamese.status_code == english.status_code == 429
    assert _first_error(vietnamese) == ("RATE_LIMITED", "Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau.")
    assert _first_error(english) == ("RATE_LIMITED", "too many requests; retry later")


async def test_a_payload_error_is_vietnamese_unless_english_is_asked_for(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    del client.headers["Accept-Language"]
    person = await make_account(db)
    wrong = {"socialInsuranceCode": person.social_insurance_code, "password": PASSWORD + "x"}

    vietnamese = await gql(client, LOGIN, wrong)
    english = await gql(client, LOGIN, wrong, headers={"Accept-Language": "en"})

    assert vietnamese["data"]["login"]["errors"] == [
        {"code": "INVALID_CREDENTIALS", "message": "Mã số BHXH hoặc mật khẩu không đúng.", "field": None}
    ]
    assert english["data"]["login"]["errors"] == [
        {"code": "INVALID_CREDENTIALS", "message": "the code or the password is wrong", "field": None}
    ]


async def test_an_internal_error_is_masked_in_the_asked_language_with_its_request_id(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    del client.headers["Accept-Language"]
    # given a database that refuses the grant's audit event: an error nothing expects
    owner, grantee = await make_citizen(db), await make_citizen(db)
    await db.execute("""
        create function refuse_event() returns trigger language plpgsql as $$
        begin raise exception 'audit refused'; end $$;
        create trigger refuse_event before insert on audit_events
        for each row when (new.event = 'access_granted') execute function refuse_event();""")
    variables = {"granteeSocialInsuranceCode": grantee.social_insurance_code, "parts": ["CARD"],
                 "validUntil": (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).isoformat()}

    vietnamese = await gql(client, GRANT, variables, token=owner.token)
    english = await gql(client, GRANT, variables, token=owner.token, headers={"Accept-Language": "en"})

    for body, expected in ((vietnamese, "Đã xảy ra lỗi không mong muốn. Mã yêu cầu: {}."),
                           (english, "Unexpected error. Request id: {}.")):
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INTERNAL_ERROR"
        assert error["message"] == expected.format(error["extensions"]["requestId"])
        assert "audit refused" not in str(body)


async def test_an_unhandled_error_outside_graphql_is_answered_in_the_asked_language(
    shared_settings: Settings, shared_dsn: str
) -> None:
    # given a route that fails in a way nothing handles (the 500 written by the observing middleware)
    async def broken(request: Request) -> Response:
        raise RuntimeError("secret internals")

    async with app_client(shared_settings, shared_dsn) as served:
        served.app.router.routes.append(Route("/broken", broken))
        english = await served.http.get("/broken")
        del served.http.headers["Accept-Language"]
        vietnamese = await served.http.get("/broken")

    assert vietnamese.status_code == english.status_code == 500
    assert _first_error(vietnamese) == ("INTERNAL_ERROR", "Đã xảy ra lỗi không mong muốn.")
    assert _first_error(english) == ("INTERNAL_ERROR", "Unexpected error.")
    assert vietnamese.headers["content-language"] == "vi" and english.headers["content-language"] == "en"


async def test_a_refusal_kept_with_a_prepared_document_speaks_each_requests_language(
    unsaid: httpx.AsyncClient,
) -> None:
    # given a document over the alias limit, prepared once and kept for whoever sends it again
    aliases = " ".join(f"a{n}: __typename" for n in range(limits.MAX_ALIASES + 1))
    document = {"query": f"query {{ {aliases} }}"}

    vietnamese = await unsaid.post("/graphql", json=document)
    english = await unsaid.post("/graphql", json=document, headers=ENGLISH)
    vietnamese_again = await unsaid.post("/graphql", json=document)

    maximum, sent = limits.MAX_ALIASES, limits.MAX_ALIASES + 1
    assert _first_error(vietnamese) == _first_error(vietnamese_again) == (
        "QUERY_LIMIT_EXCEEDED", f"Tài liệu GraphQL vượt giới hạn aliases: tối đa {maximum} ({sent})."
    )
    assert _first_error(english) == (
        "QUERY_LIMIT_EXCEEDED", f"The document exceeds the aliases limit of {maximum} ({sent})."
    )


async def test_a_cached_public_answer_varies_by_language(unsaid: httpx.AsyncClient) -> None:
    # given a question no FAQ entry answers: the assistant's message points to the hotline
    asked = {"query": contract("public/Assistant"), "variables": {"question": "zxqv wplk"}}

    vietnamese = await unsaid.post("/graphql", json=asked)
    english = await unsaid.post("/graphql", json=asked, headers=ENGLISH)

    assert vietnamese.json()["data"]["assistant"]["message"].startswith("Xin lỗi, chưa có câu trả lời phù hợp")
    assert english.json()["data"]["assistant"]["message"].startswith("Sorry, there is no answer to your question")
    # a shared cache keeps the two apart: the answer is public, and says it depends on the language
    assert vietnamese.headers["cache-control"].startswith("public")
    assert vietnamese.headers["etag"] != english.headers["etag"]
    assert {"Authorization", "X-API-Key", "Accept-Language"} <= {
        v.strip() for v in vietnamese.headers["vary"].split(",")
    }


def test_the_registration_instructions_speak_the_context_language() -> None:
    assert registration.instructions("PENDING", "BHXH cơ sở Ba Đình").startswith(
        "Vui lòng mang tờ khai đăng ký đã ký"
    )
    assert "BHXH cơ sở Ba Đình" in registration.instructions("PENDING", "BHXH cơ sở Ba Đình")
    assert "cơ quan BHXH bạn đã chọn" in registration.instructions("PENDING", None)
    english = texts.use(texts.Language.EN)
    try:
        assert registration.instructions("APPROVED", None).startswith("Your account is active.")
        assert "the social insurance agency you chose" in registration.instructions("PENDING", None)
    finally:
        texts.reset(english)


def test_the_answer_headers_get_the_language_as_starlette_would_set_them() -> None:
    given = [
        (b"vary", b"Authorization"),
        (b"content-language", b"en"),
        (b"content-type", b"application/json"),
        (b"vary", b"X-API-Key"),
        (b"content-language", b"fr"),
    ]
    expected = MutableHeaders(raw=list(given))
    expected["Content-Language"] = "vi"
    expected.add_vary_header("Accept-Language")

    assert with_language(given, b"vi") == expected.raw
    assert with_language([], b"en") == [(b"content-language", b"en"), (b"vary", b"Accept-Language")]
