"""The public facility directory: search, filters, near me, paging, bad input, and the contract documents."""

from __future__ import annotations

import math
from typing import Any

import asyncpg
import httpx

from tests.factories import add_facility, make_partner_key
from tests.graphql import contract, error_codes, gql

FACILITIES = """
query F($filter: FacilityFilter, $near: GeoPointInput, $first: Int, $after: String) {
  facilities(filter: $filter, near: $near, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { code name kind distanceKm location { latitude longitude } updatedAt } }
  }
}
"""
FACILITY = "query F($code: String!) { facility(code: $code) { code name province { code } } }"

# earthdistance's sphere (the `earth()` function): metres.
EARTH_RADIUS_KM = 6378.168


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


async def facilities(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    result = await gql(client, FACILITIES, variables)
    assert "errors" not in result, result
    connection: dict[str, Any] = result["data"]["facilities"]
    return connection


def names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


def codes(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["code"] for edge in connection["edges"]]


# --- search ---------------------------------------------------------------------------------------------------

async def test_search_ignores_diacritics_and_case(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a facility named with Vietnamese diacritics
    await add_facility(db, "01ZA1", "Bệnh viện Quảng Khoa Bạch Đằng")
    for query in ("benh vien quang khoa bach dang", "BỆNH VIỆN QUẢNG KHOA BẠCH ĐẰNG", "Benh Vien Quang Khoa Bach Dang"):
        # when searching without accents or in another case
        found = await facilities(client, filter={"search": query}, first=3)
        # then it comes first
        assert names(found)[0] == "Bệnh viện Quảng Khoa Bạch Đằng", query


async def test_search_tolerates_a_typo_and_a_partial_word(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await add_facility(db, "01ZA1", "Bệnh viện Quảng Khoa Bạch Đằng")
    for query in ("quang khao bach dang", "quang khoa bach da"):
        found = await facilities(client, filter={"search": query}, first=3)
        assert "Bệnh viện Quảng Khoa Bạch Đằng" in names(found), query


async def test_search_ranks_the_best_match_first(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given an exact match and two weaker ones (inserted first, so id order would put them before it)
    await add_facility(db, "01ZA1", "Phòng khám Quảng Khoa")
    await add_facility(db, "01ZA2", "Trạm y tế Quảng Khoa Bạch")
    await add_facility(db, "01ZA3", "Bệnh viện Quảng Khoa Bạch Đằng")
    found = await facilities(client, filter={"search": "quang khoa bach dang"}, first=10)
    assert names(found)[0] == "Bệnh viện Quảng Khoa Bạch Đằng"
    assert names(found).index("Trạm y tế Quảng Khoa Bạch") < names(found).index("Phòng khám Quảng Khoa")


async def test_search_pages_by_relevance_without_repeats(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    for i in range(7):
        await add_facility(db, f"01ZB{i}", f"Trạm y tế Quảng Khoa số {i}")
    first = await facilities(client, filter={"search": "tram y te quang khoa"}, first=3)
    # by code: a name may repeat across provinces ("Trạm Y tế Xã Bình Minh" in Hà Nội, Ninh Bình, Quảng Ngãi)
    seen, seen_names = codes(first), names(first)
    after = first["pageInfo"]["endCursor"]
    while after:
        page = await facilities(client, filter={"search": "tram y te quang khoa"}, first=3, after=after)
        seen, seen_names = seen + codes(page), seen_names + names(page)
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen)) == first["totalCount"]
    assert {f"Trạm y tế Quảng Khoa số {i}" for i in range(7)} <= set(seen_names)


async def test_search_with_sql_or_regex_characters_is_harmless(shared_client: httpx.AsyncClient) -> None:
    for query in ("'; drop table facilities; --", ".*[(?", "%_\\", "    "):
        result = await gql(shared_client, FACILITIES, {"filter": {"search": query}, "first": 5})
        assert "errors" not in result, (query, result)
    assert (await facilities(shared_client, first=1))["totalCount"] > 0


async def test_search_too_long_is_invalid_input(shared_client: httpx.AsyncClient) -> None:
    result = await gql(shared_client, FACILITIES, {"filter": {"search": "a" * 10_000}})
    assert error_codes(result) == ["INVALID_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == "filter.search"


# --- filters ----------------------------------------------------------------------------------------------------

async def test_each_filter_keeps_only_matching_facilities(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"provinceCode": "01"}, "province_code = '01'"),
        ({"kinds": ["HEALTH_STATION", "CLINIC"]}, "kind in ('HEALTH_STATION', 'CLINIC')"),
        ({"bhytContracted": True}, "bhyt_contracted"),
        ({"acceptsInitialRegistration": True}, "accepts_initial_registration"),
        ({"issuesSickLeaveCertificates": True}, "issues_sick_leave_certificates"),
        ({"issuesSickLeaveCertificates": False}, "not issues_sick_leave_certificates"),
    ]
    ward = await shared_db.fetchval(
        "select ward_code from facilities where ward_code is not null order by code limit 1"
    )
    cases.append(({"wardCode": ward}, f"ward_code = '{ward}'"))
    for filter_, condition in cases:
        expected = {r["code"] for r in await shared_db.fetch(f"select code from facilities where {condition}")}
        assert expected, condition  # the seed has some of each, or the test proves nothing
        found = await facilities(shared_client, filter=filter_, first=100)
        codes = [e["node"]["code"] for e in found["edges"]]
        assert found["totalCount"] == len(expected), condition
        assert set(codes) <= expected and len(codes) == min(100, len(expected)), condition


async def test_updated_since_returns_only_changed_facilities(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await db.execute("update facilities set updated_at = now() - interval '10 days'")
    await db.execute("update facilities set updated_at = now() where code in (select code from facilities limit 3)")
    since = await db.fetchval("select now() - interval '1 day'")
    found = await facilities(client, filter={"updatedSince": since.isoformat()})
    assert found["totalCount"] == 3


async def test_unknown_province_is_empty_and_malformed_codes_are_invalid(shared_client: httpx.AsyncClient) -> None:
    assert (await facilities(shared_client, filter={"provinceCode": "99"}))["totalCount"] == 0
    for filter_, field in (({"provinceCode": "Hà Nội"}, "filter.provinceCode"), ({"wardCode": "1"}, "filter.wardCode")):
        result = await gql(shared_client, FACILITIES, {"filter": filter_})
        assert error_codes(result) == ["INVALID_INPUT"]
        assert result["errors"][0]["extensions"]["field"] == field
    result = await gql(shared_client, FACILITIES, {"filter": {"kinds": ["CASTLE"]}})
    assert result["data"] is None and result["errors"]  # GraphQL refuses an unknown enum value


# --- near me ----------------------------------------------------------------------------------------------------

async def test_near_orders_by_distance_matching_haversine(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    here = (21.0285, 105.8542)
    found = await facilities(shared_client, near={"latitude": here[0], "longitude": here[1]}, first=50)
    distances = [e["node"]["distanceKm"] for e in found["edges"]]
    assert distances == sorted(distances) and len(distances) == 50
    for edge in found["edges"]:
        loc = edge["node"]["location"]
        expected = haversine_km(here[0], here[1], loc["latitude"], loc["longitude"])
        assert math.isclose(edge["node"]["distanceKm"], expected, rel_tol=1e-6, abs_tol=1e-6)
    # and nothing nearer was left out
    nearest = min(
        haversine_km(here[0], here[1], r["latitude"], r["longitude"])
        for r in await shared_db.fetch("select latitude, longitude from facilities")
    )
    assert math.isclose(distances[0], nearest, rel_tol=1e-6)


async def test_near_with_radius_keeps_only_facilities_inside(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    here = (21.0285, 105.8542)
    rows = await shared_db.fetch("select code, latitude, longitude from facilities")
    inside = {r["code"] for r in rows if haversine_km(*here, r["latitude"], r["longitude"]) <= 30}
    assert inside
    found = await facilities(shared_client, near={"latitude": here[0], "longitude": here[1], "radiusKm": 30}, first=100)
    codes = {e["node"]["code"] for e in found["edges"]}
    assert codes <= inside and len(codes) == min(100, len(inside))
    assert found["totalCount"] == len(inside)


async def test_near_pages_in_distance_order_without_repeats(shared_client: httpx.AsyncClient) -> None:
    near = {"latitude": 10.77, "longitude": 106.70}
    page = await facilities(shared_client, near=near, first=40)
    seen = [e["node"]["code"] for e in page["edges"]]
    distances = [e["node"]["distanceKm"] for e in page["edges"]]
    for _ in range(3):
        page = await facilities(shared_client, near=near, first=40, after=page["pageInfo"]["endCursor"])
        seen += [e["node"]["code"] for e in page["edges"]]
        distances += [e["node"]["distanceKm"] for e in page["edges"]]
    assert len(seen) == len(set(seen)) == 160
    assert distances == sorted(distances)


async def test_bad_points_and_radii_are_invalid_input(shared_client: httpx.AsyncClient) -> None:
    for near, field in (
        ({"latitude": 200, "longitude": 105}, "near.latitude"),
        ({"latitude": 21, "longitude": -181}, "near.longitude"),
        ({"latitude": 21, "longitude": 105, "radiusKm": -1}, "near.radiusKm"),
        ({"latitude": 21, "longitude": 105, "radiusKm": 100_000}, "near.radiusKm"),
    ):
        result = await gql(shared_client, FACILITIES, {"near": near})
        assert error_codes(result) == ["INVALID_INPUT"], near
        assert result["errors"][0]["extensions"]["field"] == field


# --- paging -----------------------------------------------------------------------------------------------------

async def test_paging_by_code_visits_every_facility_exactly_once(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    expected = [r["code"] for r in await shared_db.fetch("select code from facilities order by code")]
    seen: list[str] = []
    after = None
    while True:
        page = await facilities(shared_client, first=100, after=after)
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected


async def test_page_size_is_limited_unless_the_key_has_directory_read(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given an anonymous caller, a key with only card:verify and a key with directory:read
    card_only = await make_partner_key(db, ["card:verify"])
    directory_key = await make_partner_key(db, ["directory:read"])
    query = contract("partner/FacilityDirectory")
    assert error_codes(await gql(client, query, {"first": 101})) == ["INVALID_INPUT"]
    assert error_codes(await gql(client, query, {"first": 101}, api_key=card_only)) == ["INVALID_INPUT"]
    result = await gql(client, query, {"first": 1000}, api_key=directory_key)
    assert "errors" not in result
    assert len(result["data"]["facilities"]["edges"]) == await db.fetchval("select count(*) from facilities")


async def test_a_cursor_from_another_order_is_refused(shared_client: httpx.AsyncClient) -> None:
    page = await facilities(shared_client, first=2)
    near = {"latitude": 21, "longitude": 105}
    result = await gql(shared_client, FACILITIES, {"near": near, "after": page["pageInfo"]["endCursor"]})
    assert error_codes(result) == ["INVALID_CURSOR"]


# --- one facility and the contract documents ----------------------------------------------------------------------

async def test_facility_by_code(shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection) -> None:
    code = await shared_db.fetchval("select code from facilities order by code limit 1")
    result = await gql(shared_client, contract("public/Facility"), {"code": code})
    assert result["data"]["facility"]["code"] == code
    assert result["data"]["facility"]["province"]["code"] == code[:2]
    assert (await gql(shared_client, FACILITY, {"code": "01ZZZ"}))["data"]["facility"] is None
    assert error_codes(await gql(shared_client, FACILITY, {"code": "x' or 1=1"})) == ["INVALID_INPUT"]


async def test_contract_facilities_document(shared_client: httpx.AsyncClient) -> None:
    variables = {"filter": {"search": "benh vien", "provinceCode": "01"}, "near": {"latitude": 21, "longitude": 105.8}}
    result = await gql(shared_client, contract("public/Facilities"), {**variables, "first": 5})
    assert "errors" not in result, result
    nodes = [e["node"] for e in result["data"]["facilities"]["edges"]]
    assert nodes and all(n["province"]["code"] == "01" and n["distanceKm"] is not None for n in nodes)


async def test_contract_provinces_and_partner_directory_documents(shared_client: httpx.AsyncClient) -> None:
    provinces = await gql(shared_client, contract("public/Provinces"))
    assert len(provinces["data"]["provinces"]) == 34
    result = await gql(shared_client, contract("partner/FacilityDirectory"), {"provinceCode": "01", "first": 10})
    assert "errors" not in result, result
    edges = result["data"]["facilities"]["edges"]
    assert len(edges) == 10 and all(e["node"]["updatedAt"] for e in edges)
