"""Bad input, by hand: each answers a clear code (or an empty result), never an unexpected error.

Complements the per-domain tests (test_directory, test_lookup, test_card_check, personal/test_lists), which already
cover a latitude of 200, radii of -1 and 100,000 km, over-long and SQL-like searches, unknown provinces and enum
values, wrong-shape codes, `first` of -1 / 101 / 10^6 and foreign cursors. Here: NUL characters, hostile cursors
(altered keys: huge integers, floats out of range, dates at the calendar's edges), hostile global IDs, scalars with
bad values, and very large Int values.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import asyncpg
import httpx
import pytest

from schema.scalars import SCALAR_MAP, Money, Month
from seed.demo import PARTNER_API_KEY
from tests.factories import open_demo_session
from tests.graphql import error_codes, gql

FACILITIES = """
query Facilities($filter: FacilityFilter, $near: GeoPointInput, $first: Int, $after: String) {
  facilities(filter: $filter, near: $near, first: $first, after: $after) {
    edges { node { code } } pageInfo { hasNextPage endCursor }
  }
}
"""
FACILITY = "query Facility($code: String!) { facility(code: $code) { code } }"
EMPLOYERS = """
query Employers($search: String, $provinceCode: String, $first: Int, $after: String) {
  employers(search: $search, provinceCode: $provinceCode, first: $first, after: $after) { edges { node { code } } }
}
"""
FAQS = "query Faqs($search: String, $after: String) { faqs(search: $search, after: $after) { edges { node { id } } } }"
NEWS = "query News($first: Int, $after: String) { news(first: $first, after: $after) { edges { node { id } } } }"
NODE = "query Node($id: ID!) { node(id: $id) { id } }"
VISITS = """
query Visits($year: Int, $after: String) { me { medicalVisits(year: $year, after: $after) { edges { node { id } } } } }
"""
CONTRIBUTIONS = "query C($after: String) { me { contributionPeriods(after: $after) { edges { node { id } } } } }"
REGISTRATIONS = """
query R($after: String) { registrations(status: PENDING, after: $after) { edges { node { id } } } }
"""
VERIFY = """
query Verify($cardNumber: String!, $fullName: String!, $dateOfBirth: Date!) {
  verifyInsuranceCard(cardNumber: $cardNumber, fullName: $fullName, dateOfBirth: $dateOfBirth) { valid reason }
}
"""
LOOKUP = """
query Lookup($input: SocialInsuranceCodeLookupInput!) { lookupSocialInsuranceCode(input: $input) { found } }
"""
LOGIN = """
mutation Login($code: String!, $password: String!) {
  login(socialInsuranceCode: $code, password: $password) { accessToken errors { code field } }
}
"""
REQUEST_OTP = """
mutation Otp($phone: String!) { requestOtp(phone: $phone, purpose: REGISTRATION) { errors { code field } } }
"""
SUBMIT = """
mutation Submit($input: RegistrationInput!) { submitRegistration(input: $input) { errors { code field } } }
"""
APPROVE = "mutation Approve($id: ID!) { approveRegistration(id: $id) { errors { code field } } }"
REJECT = """
mutation Reject($id: ID!, $reason: String!) { rejectRegistration(id: $id, reason: $reason) { errors { code field } } }
"""


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor(*values: Any) -> str:
    """A cursor as this API writes one, with the key values an attacker chose (json: ints beyond 64 bits)."""
    return b64(json.dumps(list(values)).encode())


def global_id(raw: str) -> str:
    return b64(raw.encode())


def registration(**changes: str) -> dict[str, str]:
    """The demo person who has no account yet, as a registration (the OTP is wrong, but checked after the formats)."""
    return {
        "socialInsuranceCode": "0190000005", "nationalIdNumber": "001190000005", "fullName": "Võ Thị Hoa",
        "dateOfBirth": "1996-07-21", "phone": "0989000005", "otp": "123456", "agencyCode": "01001", **changes,
    }


LEAKS = ("Traceback", "asyncpg", 'File "', "Unexpected error.", "select ", "SQLSTATE")


def case_id(value: Any) -> str:
    """Readable test ids: the operation's name, then the variables."""
    if isinstance(value, str) and value.lstrip().startswith(("query", "mutation")):
        return value.split("(")[0].split()[-1]
    return repr(value)[:50]


def all_codes(result: dict[str, Any]) -> list[str]:
    """The codes of field errors, then those of mutation payloads' `errors`."""
    payloads = [v for v in (result.get("data") or {}).values() if isinstance(v, dict)]
    return error_codes(result) + [e["code"] for p in payloads for e in p.get("errors") or []]


def assert_clean(result: dict[str, Any]) -> None:
    text = json.dumps(result, ensure_ascii=False)
    for leak in LEAKS:
        assert leak not in text, (leak, result)


# ---- anonymous: the public directory, look-ups and login ------------------------------------------------------------

# (document, variables, the codes answered: [] means a plain, possibly empty, result)
PUBLIC_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    # NUL characters cannot be stored or compared by PostgreSQL: refused as input, never a driver error.
    (FACILITIES, {"filter": {"search": "Bệnh\x00viện"}}, ["INVALID_INPUT"]),
    (FACILITIES, {"filter": {"search": "\x00"}}, ["INVALID_INPUT"]),
    (EMPLOYERS, {"search": "a\x00"}, ["INVALID_INPUT"]),
    (FAQS, {"search": "thẻ\x00"}, ["INVALID_INPUT"]),
    (FACILITY, {"code": "01\x00001"}, ["INVALID_INPUT"]),
    (FACILITIES, {"filter": {"search": "%_\\.*(a+)+$[[:alpha:]]"}}, []),
    (FACILITIES, {"filter": {"search": "đ" * 10_000}}, ["INVALID_INPUT"]),
    (FACILITIES, {"filter": {"provinceCode": "٠١"}}, ["INVALID_INPUT"]),  # Arabic-Indic digits are not a code
    (FACILITIES, {"filter": {"wardCode": "x" * 100_000}}, ["INVALID_INPUT"]),
    # Valid ISO 8601, but off the calendar once in UTC (year 0, year 10000).
    (FACILITIES, {"filter": {"updatedSince": "0001-01-01T00:00:00+14:00"}}, ["INVALID_INPUT"]),
    (FACILITIES, {"filter": {"updatedSince": "9999-12-31T23:59:59-14:00"}}, ["INVALID_INPUT"]),
    (FACILITIES, {"filter": {"updatedSince": "0001-01-02T00:00:00+00:00"}}, []),
    (FACILITIES, {"near": {"latitude": 21.0, "longitude": 105.8, "radiusKm": 1e-300}}, []),
    (FACILITIES, {"first": 0}, []),
    (FACILITIES, {"first": 10**9}, ["INVALID_INPUT"]),
    (FACILITIES, {"first": -(2**31)}, ["INVALID_INPUT"]),
    # Altered cursors: the right list name with keys no page ever wrote.
    (FACILITIES, {"after": cursor("facilities:code", "01\x00")}, ["INVALID_CURSOR"]),
    (FACILITIES, {"after": cursor("facilities:code", 1)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"after": cursor("facilities:code", "z" * 10_000)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", 1e300, 1)}, []),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", -1e-50, 1)}, []),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", 0.5, 2**64)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", 0.5, 2**63)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", 0.5, True)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", 0.5, 1.5)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"filter": {"search": "x"}, "after": cursor("facilities:relevance", "NaN", 1)}, ["INVALID_CURSOR"]),
    (FACILITIES, {"near": {"latitude": 21, "longitude": 105}, "after": cursor("facilities:distance", 1e308, 1)}, []),
    (FACILITIES, {"near": {"latitude": 21, "longitude": 105}, "after": cursor("facilities:distance", 1, 10**30)},
     ["INVALID_CURSOR"]),
    (FACILITIES, {"after": b64(b'["facilities:code", 1e999]')}, ["INVALID_CURSOR"]),
    (FACILITIES, {"after": "A" * 100_000}, ["INVALID_CURSOR"]),
    (EMPLOYERS, {"after": cursor("employers:name", "a\x00", 1)}, ["INVALID_CURSOR"]),
    (EMPLOYERS, {"after": cursor("employers:name", "a", 2**63)}, ["INVALID_CURSOR"]),
    (EMPLOYERS, {"search": "công ty", "after": cursor("employers:relevance", 1e300, 1)}, ["INVALID_CURSOR"]),
    (FAQS, {"after": cursor("faqs:position", 2**63, 1)}, ["INVALID_CURSOR"]),
    (FAQS, {"search": "thẻ", "after": cursor("faqs:relevance", -1e300, 1)}, ["INVALID_CURSOR"]),
    (NEWS, {"after": cursor("news", "9999-12-31T23:59:59-14:00", 1)}, ["INVALID_CURSOR"]),
    (NEWS, {"after": cursor("news", "0001-01-01T00:00:00+14:00", 1)}, ["INVALID_CURSOR"]),
    (NEWS, {"after": cursor("news", "2024-01-01T00:00:00", 1)}, ["INVALID_CURSOR"]),  # no offset: not ours
    (NEWS, {"after": cursor("news", "2024-01-01T00:00:00+07:00", -(2**63) - 1)}, ["INVALID_CURSOR"]),
    (NEWS, {"after": cursor("news", "2024-01-01T00:00:00+07:00", 1)}, []),
    # Global IDs: random base64, other types', huge and odd primary keys, huge strings.
    (NODE, {"id": b64(b"\xff\xfe\x00\x01")}, ["INVALID_ID"]),
    (NODE, {"id": global_id("Facility:99999999999999999999")}, ["INVALID_ID"]),
    (NODE, {"id": global_id("Facility:999999999999999999")}, []),
    (NODE, {"id": global_id("Facility:9223372036854775807")}, []),  # the largest bigint: a key, missing
    (NODE, {"id": global_id("Facility:9223372036854775808")}, ["INVALID_ID"]),  # past bigint: never issued
    (NODE, {"id": global_id("Facility:0009223372036854775807")}, ["INVALID_ID"]),
    (NODE, {"id": global_id("Facility:٣")}, ["INVALID_ID"]),
    (NODE, {"id": global_id("Facility:³")}, ["INVALID_ID"]),
    (NODE, {"id": global_id("Facility:0")}, []),
    (NODE, {"id": global_id("Province:1")}, ["INVALID_ID"]),
    (NODE, {"id": global_id("Ward:1")}, ["INVALID_ID"]),  # not a Node type
    (NODE, {"id": global_id("Faq:999999999")}, []),  # a Node type: missing reads as null
    (NODE, {"id": "A" * 100_000}, ["INVALID_ID"]),
    (NODE, {"id": "Facility:1"}, ["INVALID_ID"]),
    # Look-ups and credentials with NUL characters or absurd sizes.
    (LOOKUP, {"input": {"fullName": "An\x00", "dateOfBirth": "1990-01-01", "provinceCode": "01",
                        "nationalIdNumber": "001090000001"}}, ["INVALID_INPUT"]),
    (LOOKUP, {"input": {"fullName": "An", "dateOfBirth": "0001-01-01", "provinceCode": "01",
                        "nationalIdNumber": "001090000001"}}, []),
    (LOGIN, {"code": "019000000\x00", "password": "x"}, ["INVALID_INPUT"]),
    (LOGIN, {"code": "0190000001", "password": "\x00" * 10}, ["INVALID_CREDENTIALS"]),
    (LOGIN, {"code": "0190000001" * 10_000, "password": "x" * 100_000}, ["INVALID_INPUT"]),
    (REQUEST_OTP, {"phone": "0989\x00000005"}, ["INVALID_INPUT"]),
    (SUBMIT, {"input": registration(fullName="Võ Thị\x00Hoa")}, ["INVALID_INPUT"]),
    (SUBMIT, {"input": registration(email="hoa\x00@example.vn")}, ["INVALID_INPUT"]),
]


# Queries only read (counting the caller per address): the shared database. A mutation may write even as it refuses
# (a failed login is counted and audited): a database of its own.
PUBLIC_READ_CASES = [case for case in PUBLIC_CASES if not case[0].lstrip().startswith("mutation")]
PUBLIC_MUTATION_CASES = [case for case in PUBLIC_CASES if case[0].lstrip().startswith("mutation")]


async def _answers_exactly(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any], codes: list[str]
) -> None:
    result = await gql(client, document, variables)
    assert all_codes(result) == codes, result
    assert_clean(result)


@pytest.mark.parametrize(("document", "variables", "codes"), PUBLIC_READ_CASES, ids=case_id)
async def test_public_bad_input_answers_a_code_or_an_empty_result(
    shared_client: httpx.AsyncClient, document: str, variables: dict[str, Any], codes: list[str]
) -> None:
    await _answers_exactly(shared_client, document, variables, codes)


@pytest.mark.parametrize(("document", "variables", "codes"), PUBLIC_MUTATION_CASES, ids=case_id)
async def test_public_bad_input_to_a_mutation_answers_a_code(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any], codes: list[str]
) -> None:
    await _answers_exactly(client, document, variables, codes)


# ---- signed in: personal lists, the officer's registrations, the partner's card check -------------------------------


SIGNED_IN_CASES: list[tuple[str, str, dict[str, Any], list[str]]] = [
    ("citizen", VISITS, {"year": -1}, ["INVALID_INPUT"]),
    ("citizen", VISITS, {"year": 2_147_483_647}, ["INVALID_INPUT"]),
    ("citizen", VISITS, {"year": 2017}, []),
    ("citizen", VISITS, {"after": cursor("medicalVisits", "9999-12-31T23:59:59-14:00", 1)}, ["INVALID_CURSOR"]),
    ("citizen", VISITS, {"after": cursor("medicalVisits", "2024-01-01T00:00:00+07:00", 2**64)}, ["INVALID_CURSOR"]),
    ("citizen", CONTRIBUTIONS, {"after": cursor("contributionPeriods", "0001-01-01", 1)}, []),
    ("citizen", CONTRIBUTIONS, {"after": cursor("contributionPeriods", "2024-13-01", 1)}, ["INVALID_CURSOR"]),
    ("citizen", CONTRIBUTIONS, {"after": cursor("contributionPeriods", "2024-01-01", 10**30)}, ["INVALID_CURSOR"]),
    ("agency_officer", REGISTRATIONS, {"after": cursor("registrations", "2024-01-01T00:00:00+07:00", 2**63)},
     ["INVALID_CURSOR"]),
    ("agency_officer", APPROVE, {"id": global_id("Registration:99999999999999999999")}, ["INVALID_ID"]),
    ("agency_officer", APPROVE, {"id": global_id("Facility:1")}, ["INVALID_ID"]),
    ("agency_officer", REJECT, {"id": global_id("Registration:1"), "reason": "sai\x00"}, ["INVALID_INPUT"]),
    ("agency_officer", REJECT, {"id": global_id("Registration:1"), "reason": "x" * 100_000}, ["INVALID_INPUT"]),
    ("agency_officer", REJECT, {"id": global_id("Registration:99999"), "reason": "sai"}, ["NOT_FOUND"]),
]


@pytest.mark.parametrize(("role", "document", "variables", "codes"), SIGNED_IN_CASES, ids=case_id)
async def test_signed_in_bad_input_answers_a_code_or_an_empty_result(
    client: httpx.AsyncClient, db: asyncpg.Connection, role: str, document: str, *, variables: dict[str, Any],
    codes: list[str],
) -> None:
    result = await gql(client, document, variables, token=await open_demo_session(db, role))

    assert all_codes(result) == codes, result
    assert_clean(result)


PARTNER_CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"cardNumber": "DN4010190000001", "fullName": "An\x00", "dateOfBirth": "1988-05-12"}, ["INVALID_INPUT"]),
    ({"cardNumber": "DN401019000000\x00", "fullName": "An", "dateOfBirth": "1988-05-12"}, ["INVALID_INPUT"]),
    ({"cardNumber": "DN4010190000001", "fullName": "An" * 50_000, "dateOfBirth": "1988-05-12"}, ["INVALID_INPUT"]),
    ({"cardNumber": "DN4010190000001", "fullName": "An", "dateOfBirth": "0001-01-01"}, []),
    ({"cardNumber": "DN4010190000001", "fullName": "An", "dateOfBirth": "9999-12-31"}, []),
]


@pytest.mark.parametrize(("variables", "codes"), PARTNER_CASES, ids=case_id)
async def test_card_check_bad_input_answers_a_code_or_a_plain_answer(
    client: httpx.AsyncClient, variables: dict[str, Any], codes: list[str]
) -> None:
    result = await gql(client, VERIFY, variables, api_key=PARTNER_API_KEY)

    assert all_codes(result) == codes, result
    assert_clean(result)


# ---- scalars: refused before execution, with no internals ------------------------------------------------------------

BAD_SCALAR_VALUES: list[tuple[str, Any]] = [
    ("dateOfBirth", "2024-13-01"),
    ("dateOfBirth", "2023-02-29"),
    ("dateOfBirth", "10000-01-01"),
    ("dateOfBirth", "1e309"),
    ("dateOfBirth", 20240101),
    ("dateOfBirth", ""),
]


@pytest.mark.parametrize(("name", "value"), BAD_SCALAR_VALUES)
async def test_a_bad_date_is_refused_before_anything_runs(client: httpx.AsyncClient, name: str, value: Any) -> None:
    variables = {"cardNumber": "DN4010190000001", "fullName": "An", name: value}
    result = await gql(client, VERIFY, variables, api_key=PARTNER_API_KEY)

    assert result.get("data") is None and result["errors"], result
    assert_clean(result)


@pytest.mark.parametrize("value", [10**10, 2**31, -(2**31) - 1, 2**64, 10**400, "1e309", 1.5, True])
async def test_an_int_out_of_graphql_range_is_refused_before_anything_runs(
    shared_client: httpx.AsyncClient, value: Any
) -> None:
    result = await gql(shared_client, FACILITIES, {"first": value})

    assert result.get("data") is None and result["errors"], result
    assert_clean(result)


@pytest.mark.parametrize("number", ["1e309", "-1e309", "NaN", "Infinity", "-Infinity"])
async def test_a_json_number_out_of_double_range_is_refused(shared_client: httpx.AsyncClient, number: str) -> None:
    """Sent raw: a JSON encoder would refuse to write these."""
    query = "query F($first: Int, $lat: Float!) { facilities(first: $first, near: {latitude: $lat, longitude: 105}) "
    query += "{ edges { node { code } } } }"
    body = f'{{"query": "{query}", "variables": {{"first": {number}, "lat": {number}}}}}'
    response = await shared_client.post("/graphql", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code < 500, response.text
    result = response.json()
    assert result.get("data") is None and result["errors"], result
    assert_clean(result)


def parse(scalar: object, value: Any) -> Any:
    """What the schema does with a variable's value for one of our scalars."""
    parse_value = SCALAR_MAP[scalar].parse_value
    assert parse_value is not None
    return parse_value(value)


@pytest.mark.parametrize("value", ["2024-13", "2024-00", "2024-1", "24-01", "1e309", "", " 2024-01", 202401, None])
def test_month_refuses_what_is_not_yyyy_mm(value: Any) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse(Month, value)


@pytest.mark.parametrize("value", ["1e309", "1.5", "NaN", "Infinity", "", " 1", "1" * 19, 1500000, 1.5, None])
def test_money_refuses_what_is_not_a_whole_number_string(value: Any) -> None:
    with pytest.raises(ValueError, match="whole number"):
        parse(Money, value)


def test_month_and_money_accept_their_own_output() -> None:
    assert parse(Month, "2024-12").isoformat() == "2024-12-01"
    assert parse(Money, "-999999999999999999") == -999999999999999999
