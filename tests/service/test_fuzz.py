"""Property-based fuzzing of the whole API over the exported schema (hypothesis-graphql).

Generated queries and mutations, valid ones and ones with one schema violation, go to the real app on a real
database, as each kind of caller. Whatever they hold, the answer is never a 5xx, never shows internals (a
traceback, a driver's name, SQL), never hides an unhandled exception behind "Unexpected error.", and every
error carries `extensions.code`.

The run is derandomized and bounded for CI; raise VSSID_FUZZ_EXAMPLES for a longer run (docs/security.md, "Fuzzing").
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import graphql
import httpx
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes
from starlette.applications import Starlette

from core.settings import Settings
from seed.demo import PARTNER_API_KEY
from tests.clients import app_client, asgi_client, fresh_address
from tests.factories import open_demo_session

SCHEMA_SDL = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text(encoding="utf-8")
# Examples per root field (and one more test mixing them), each from a randomly drawn caller.
EXAMPLES = int(os.environ.get("VSSID_FUZZ_EXAMPLES", "25"))
# Set to explore other documents than CI's (pytest's --hypothesis-seed=N then repeats a run).
RANDOM = bool(os.environ.get("VSSID_FUZZ_RANDOM"))

# Signs of internals that must never reach a client, searched in the whole body (case-insensitive).
LEAKS = re.compile(
    r"traceback|file \"|asyncpg|psycopg|sqlstate|syntax error at|violates .* constraint|relation \"|"
    r"column \"|\bselect\b.{1,200}\bfrom\b|unexpected error\.|internal server error",
    re.IGNORECASE | re.DOTALL,
)

# ---- values worth trying, beside what hypothesis-graphql draws on its own --------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(*values: Any) -> str:
    return _b64(json.dumps(list(values)).encode())


NODE_TYPES = (
    "Benefit", "ContributionPeriod", "Employer", "Facility", "Faq", "InsuranceCard", "MedicalVisit", "NewsItem",
    "Person", "Registration", "Province", "Query", "",
)
HUGE_INTS = (0, 1, 2, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30)
LIST_NAMES = (
    "facilities:code", "facilities:relevance", "facilities:distance", "employers:name", "employers:relevance",
    "faqs:position", "faqs:relevance", "news", "registrations", "contributionPeriods", "benefits", "medicalVisits",
    "accessLog",
)
CURSOR_KEYS: tuple[tuple[Any, ...], ...] = (
    ("01001",), (1e308, 1), (-1e308, 2**63), (0.5, 10**30), ("Z", 2**64), (1, 2**63), (2**31, -(2**63) - 1),
    ("0001-01-01", 1), ("9999-12-31", 1), ("9999-12-31T23:59:59-14:00", 1), ("0001-01-01T00:00:00+14:00", 1),
    ("2024-13-01", 1), ("2024-01-01T00:00:00", 1), ("nan", 1), (None, None), ([], {}), (True, False),
)
CURSORS = (
    *(_cursor(name, *key) for name in LIST_NAMES for key in CURSOR_KEYS),
    _cursor("facilities:code"), _b64(b"not json"), _b64(b"[]"), _b64(b"{}"), _b64(b'["news"'), "%%%", "=",
    _b64(b"\xff\xfe"), _b64(b"[1e999, 1]"), _b64(b'["news", "2024-01-01T00:00:00+07:00", 1e999]'),
)
GLOBAL_IDS = (
    *(_b64(f"{t}:{pk}".encode()) for t in NODE_TYPES for pk in HUGE_INTS),
    _b64(b"Facility:"), _b64(b"Facility:1:2"), _b64(b":1"), _b64(b"Facility:\x001"), _b64(b"Facility:\xd9\xa3"),
    _b64(b"\xff\xff"), "Facility:1", "RmFjaWxpdHk6MQ==", "@@@", "",
)
STRINGS = (
    "", " ", "\x00", "a\x00b", "\u200b", "\ufeff", "🙂", "Đ", "đường", "Bệnh viện", "'", "''", '"', "\\", "%", "_",
    "%_%", "' or 1=1 --", "'; drop table facilities; --", "$1", "::text", "(", ")", "[", "]", "*", ".*", "(a+)+$",
    "\\d{1,99999}", "<script>", "{{7*7}}", "${jndi:x}", "..\\..", "\n", "\r\n\t", "01", "79", "99", "00", "1",
    "01001", "0101a", "00001", "0190000001", "019000000", "01900000011", "7990000002", "DN4010190000001",
    "DN401019000000", "dn4010190000001", "XX9990190000001", "001190000005", "0989000005", "123456", "0000000",
    "2024-13", "2024-00", "2024-1", "1e309", "-1e309", "NaN", "Infinity", "-0", "0x10", "1_000", "١٢٣",
    "VssID-demo-2026!", "vsk_demo_", "Bearer x",
)
LONG_STRINGS = st.sampled_from(("a", "đ", "%", "' ", "🙂", "0")).flatmap(
    lambda unit: st.sampled_from((201, 801, 1000, 5000, 20_000)).map(lambda n: unit * n)
)
DATES = ("2024-02-29", "2023-02-29", "2024-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01",
         "2024-1-1", "20240101", "1e309", "", "2024-01-01T00:00:00")
DATETIMES = ("2024-01-01T00:00:00+07:00", "2024-01-01T00:00:00", "0001-01-01T00:00:00+14:00",
             "9999-12-31T23:59:59-14:00", "2024-01-01T25:00:00Z", "2024-01-01", "1e309", "now", "")
MONTHS = ("2024-01", "2024-12", "2024-13", "2024-00", "0000-01", "9999-12", "24-01", "2024-1", "1e309", "")
MONEY = ("0", "1500000", "-1", "999999999999999999", "9999999999999999999", "1e309", "1.5", "NaN", "", " 1")


def _mixed(samples: tuple[str, ...], valid: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    """Mostly valid values, then known-interesting samples, arbitrary text, and now and then another kind."""
    return st.one_of(
        valid.map(nodes.String),
        valid.map(nodes.String),
        st.sampled_from(samples).map(nodes.String),
        st.text(max_size=30).map(nodes.String),
        st.integers().map(nodes.Int),
    )


def _strings() -> st.SearchStrategy[graphql.ValueNode]:
    # Half plain short text: a hostile value in one argument only counts if the others let the resolver reach it.
    plain = st.text(max_size=12).map(nodes.String)
    return st.one_of(
        plain,
        plain,
        plain,
        st.sampled_from(STRINGS).map(nodes.String),
        st.sampled_from(CURSORS).map(nodes.String),
        LONG_STRINGS.map(nodes.String),
    )


CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "String": _strings(),
    "ID": st.one_of(
        st.sampled_from(GLOBAL_IDS).map(nodes.String),
        st.sampled_from(GLOBAL_IDS).map(nodes.String),
        st.text(max_size=40).map(nodes.String),
        LONG_STRINGS.map(nodes.String),
        st.integers().map(nodes.Int),
    ),
    "Int": st.one_of(
        st.integers(min_value=1, max_value=30).map(nodes.Int),
        st.integers(min_value=1, max_value=30).map(nodes.Int),
        st.sampled_from((-1, 0, 2017, 2024, 100, 101, 1000, 1001, 9999, 10_000, 10**9, 2**31 - 1,
                         -(2**31))).map(nodes.Int),
        st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
    ),
    "Float": st.one_of(
        st.floats(min_value=-90, max_value=90).map(nodes.Float),
        st.sampled_from(("0", "-0.0", "21.0285", "105.8542", "90", "-90.0001", "200", "-1", "1e5", "100000",
                         "2000", "2000.0001", "1e308", "1e309", "-1e309", "5e-324")).map(
            lambda text: graphql.FloatValueNode(value=text)
        ),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    ),
    "Date": _mixed(DATES, st.dates().map(str)),
    "DateTime": _mixed(DATETIMES, st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())),
    "Month": _mixed(MONTHS, st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}")),
    "Money": _mixed(MONEY, st.integers().map(str)),
}

_SCHEMA = graphql.build_schema(SCHEMA_SDL)
assert _SCHEMA.query_type is not None and _SCHEMA.mutation_type is not None
ROOT_FIELDS = sorted(_SCHEMA.query_type.fields) + sorted(_SCHEMA.mutation_type.fields)
# Fields without an argument to get wrong: nothing to generate in NEGATIVE mode.
_NO_ARGUMENTS = {name for name in ROOT_FIELDS if not (_SCHEMA.query_type.fields.get(name)
                                                      or _SCHEMA.mutation_type.fields[name]).args}


def documents(field: str | None) -> st.SearchStrategy[str]:
    """Documents about one root field (None: any mix of root fields): mostly valid, a quarter with one violation.

    One document per root field reaches the resolvers far more often than a document of many fields, where a
    single bad literal refuses the whole document before any resolver runs.
    """
    fields = None if field is None else [field]
    valid = from_schema(SCHEMA_SDL, fields=fields, custom_scalars=CUSTOM_SCALARS)
    if field in _NO_ARGUMENTS:
        return valid
    return st.one_of(valid, valid, valid, from_schema(SCHEMA_SDL, fields=fields, custom_scalars=CUSTOM_SCALARS,
                                                      mode=Mode.NEGATIVE))


# (caller, endpoint): partners also have their read-only path.
ROLES = (
    ("anonymous", "/graphql"),
    ("citizen", "/graphql"),
    ("agency_officer", "/graphql"),
    ("partner", "/graphql"),
    ("partner", "/graphql/partner"),
)

def generated_settings(examples: int) -> settings:
    """Hypothesis settings for the generated documents (here and in test_planned.py): `examples` of them, the same
    ones each run unless VSSID_FUZZ_RANDOM is set, failures printed with their blob."""
    return settings(
        max_examples=examples,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


FUZZ_SETTINGS = generated_settings(EXAMPLES)

# ---- the callers ---------------------------------------------------------------------------------------------------


@pytest.fixture
async def fuzz_app(settings: Settings, db_dsn: str) -> AsyncIterator[Starlette]:
    async with app_client(settings, db_dsn) as served:
        yield served.app


async def credentials(role: str, db: asyncpg.Connection) -> dict[str, str]:
    """Headers of `role`; a fresh session per example, so that a fuzzed `logout` does not end the rest of the run."""
    if role == "anonymous":
        return {}
    if role == "partner":
        return {"X-API-Key": PARTNER_API_KEY}
    return {"Authorization": f"Bearer {await open_demo_session(db, role)}"}


def check_response(response: httpx.Response) -> None:
    """The properties every answer holds, whatever was asked."""
    assert response.status_code < 500, response.text
    leak = LEAKS.search(response.text)
    assert leak is None, f"internals in the response ({leak[0]!r}): {response.text[:2000]}"
    body = response.json()
    assert isinstance(body, dict), response.text
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str) and code, f"an error without extensions.code: {error}"
        assert code != "INTERNAL_ERROR", f"an unhandled exception: {error}"


async def post(app: Starlette, path: str, document: str, headers: dict[str, str]) -> httpx.Response:
    # Each example comes from its own client address, so that per-address rate limits do not end the run early.
    async with asgi_client(app, fresh_address()) as http:
        return await http.post(path, json={"query": document}, headers=headers)


@pytest.mark.slow
@pytest.mark.parametrize("field", [*ROOT_FIELDS, None], ids=lambda field: field or "many")
@FUZZ_SETTINGS
@given(data=st.data())
async def test_no_generated_document_breaks_the_api(
    field: str | None, fuzz_app: Starlette, db: asyncpg.Connection, data: st.DataObject
) -> None:
    role, path = data.draw(st.sampled_from(ROLES), label="caller")
    document = data.draw(documents(field), label="document")
    note(f"as {role} on {path}:\n{document}")

    response = await post(fuzz_app, path, document, await credentials(role, db))

    check_response(response)
    # What the run reached (shown by --hypothesis-show-statistics).
    body = response.json()
    errors = body.get("errors") or []
    event("executed" if body.get("data") is not None or any("path" in e for e in errors) else "refused")
    for error in errors:
        event(f"error {error['extensions']['code']}")


@pytest.mark.parametrize(
    "body",
    [
        '{"data": null, "errors": [{"message": "Unexpected error. Request id: 1.", "extensions": {"code": "X"}}]}',
        '{"data": null, "errors": [{"message": "boom", "extensions": {"code": "INTERNAL_ERROR"}}]}',
        '{"data": null, "errors": [{"message": "invalid input syntax", "path": ["facilities"]}]}',
        '{"data": null, "errors": [{"message": "asyncpg.exceptions.DataError", "extensions": {"code": "X"}}]}',
        '{"data": {"faqs": null}, "errors": [{"message": "x from select id from faqs", "extensions": {"code": "X"}}]}',
    ],
)
def test_the_properties_catch_what_they_are_meant_to(body: str) -> None:
    """The oracle itself: each of these answers breaks a property, so the fuzz run can fail."""
    with pytest.raises(AssertionError):
        check_response(httpx.Response(200, content=body.encode()))
    with pytest.raises(AssertionError):
        check_response(httpx.Response(500, content=b'{"data": null}'))
