"""Places where they are: wards at their real centres, named hospitals at their real points, streets of their city."""

from __future__ import annotations

import math
import re

import asyncpg
import httpx

from db.reference import read_data_csv
from seed.names import load_streets
from seed.world import MAX_SPREAD_KM, ward_centres
from tests.resolvers.test_directory import facilities, haversine_km, names

HOAN_KIEM = {"latitude": 21.028, "longitude": 105.852}
CHO_RAY = (10.7579, 106.6594)  # Bệnh viện Chợ Rẫy, 201B Nguyễn Chí Thanh
# Hà Nội's extent (about 20°34'–21°23' N, 105°17'–106°02' E), independent of the ward data.
HANOI_BOX = ((20.53, 21.40), (105.27, 106.04))
KM_PER_DEGREE = 111.0
NUMBERED = re.compile(r"^(?:Số \d+, (?:Ngõ|Hẻm) \d+ |[0-9A-Z/]+ )(?P<street>.+)$")
HAMLET = re.compile(r"^(?:Thôn|Xóm|Bản|Ấp|Khóm|Tổ dân phố|Khu phố|Tổ) \d+$")

ALL_ADDRESSES = """
select address, province_code from people
union all select address, province_code from facilities
union all select address, province_code from employers
"""


async def test_near_me_in_central_hanoi_finds_hospitals_within_3_km(shared_client: httpx.AsyncClient) -> None:
    found = await facilities(shared_client, near={**HOAN_KIEM, "radiusKm": 3}, filter={"kinds": ["HOSPITAL"]},
                             first=50)
    hospitals = names(found)
    assert len(hospitals) >= 3, hospitals
    assert {"Bệnh viện Hữu nghị Việt Đức", "Bệnh viện K", "Bệnh viện Phụ sản Trung ương"} <= set(hospitals)
    assert all(edge["node"]["distanceKm"] <= 3 for edge in found["edges"])


async def test_cho_ray_is_where_it_is(shared_client: httpx.AsyncClient) -> None:
    found = await facilities(shared_client, filter={"search": "Bệnh viện Chợ Rẫy", "provinceCode": "79"}, first=1)
    node = found["edges"][0]["node"]
    assert node["name"] == "Bệnh viện Chợ Rẫy"
    location = node["location"]
    assert haversine_km(location["latitude"], location["longitude"], *CHO_RAY) < 0.3


async def test_every_ward_has_its_real_centre(shared_db: asyncpg.Connection) -> None:
    centres = ward_centres()
    wards = await shared_db.fetch("select code, province_code from wards")
    assert len(wards) == 3321
    assert all(row["code"] in centres for row in wards)
    # Hà Nội's 126 wards and communes lie in Hà Nội, not around a point 25 km wide.
    (south, north), (west, east) = HANOI_BOX
    hanoi = [centres[row["code"]] for row in wards if row["province_code"] == "01"]
    assert len(hanoi) == 126
    assert all(south < lat < north and west < lon < east for lat, lon, _ in hanoi)
    assert max(lat for lat, _, _ in hanoi) - min(lat for lat, _, _ in hanoi) > 0.6  # Sóc Sơn to Mỹ Đức


async def test_every_facility_is_in_its_ward_and_its_province(shared_db: asyncpg.Connection) -> None:
    centres = ward_centres()
    boxes: dict[str, tuple[float, float, float, float]] = {}
    rows = await shared_db.fetch("select code, province_code from wards")
    wards = {row["code"]: row["province_code"] for row in rows}
    for code, (lat, lon, _) in centres.items():
        s, n, w, e = boxes.get(wards[code], (lat, lat, lon, lon))
        boxes[wards[code]] = (min(s, lat), max(n, lat), min(w, lon), max(e, lon))
    named = {row["name"] for row in read_data_csv("named_hospitals.csv")}
    rows = await shared_db.fetch("select name, province_code, ward_code, latitude, longitude from facilities")
    assert len(rows) >= 400
    margin = MAX_SPREAD_KM / KM_PER_DEGREE * 1.5
    for row in rows:
        s, n, w, e = boxes[row["province_code"]]
        assert s - margin <= row["latitude"] <= n + margin and w - margin <= row["longitude"] <= e + margin, row
        lat, lon, area = centres[row["ward_code"]]
        radius = math.sqrt(area / math.pi)  # of the disc as large as the ward
        # A named hospital at its real point: within the ward's radius (at least 1.5 km) of the ward's centre;
        # any other facility within 0.6 of the radius, bounded to 0.3…4 km.
        limit = max(1.5, radius) if row["name"] in named else min(MAX_SPREAD_KM, max(0.3, 0.6 * radius)) + 0.01
        assert haversine_km(row["latitude"], row["longitude"], lat, lon) <= limit, row


async def test_addresses_name_streets_of_their_own_city(shared_db: asyncpg.Connection) -> None:
    streets = load_streets()
    city_only = set(streets["01"]) - set(streets["*"])
    assert {"Giải Phóng", "Tràng Thi", "Hàng Bài"} <= city_only
    named = {f"{row['street']}, {row['ward_name']}" for row in read_data_csv("named_hospitals.csv")}
    counted: dict[str, int] = {}
    for row in await shared_db.fetch(ALL_ADDRESSES):
        line = row["address"].rsplit(", ", 2)[0]
        if HAMLET.match(line) or row["address"].rsplit(", ", 1)[0] in named:
            continue
        match = NUMBERED.match(line)
        assert match, row["address"]
        allowed = streets.get(row["province_code"], streets["*"])
        assert match["street"] in allowed, row["address"]
        counted[row["province_code"]] = counted.get(row["province_code"], 0) + 1
    # enough city addresses for the check to mean something (the sample depends on the seed's draws)
    assert counted.get("01", 0) >= 15 and counted.get("79", 0) >= 15, counted


async def test_provincial_bodies_sit_in_the_provincial_capital(shared_db: asyncpg.Connection) -> None:
    capitals = {row["code"]: (float(row["latitude"]), float(row["longitude"]))
                for row in read_data_csv("province_centres.csv")}
    rows = await shared_db.fetch("""
        select province_code, name, ward_code, latitude, longitude from facilities
        where name like 'Bảo hiểm xã hội tỉnh %' or name like 'Bảo hiểm xã hội thành phố %'
           or name like 'Bệnh viện Đa khoa tỉnh %' or name like 'Bệnh viện Đa khoa thành phố %'""")
    assert len(rows) == 2 * 34
    for row in rows:
        assert haversine_km(row["latitude"], row["longitude"], *capitals[row["province_code"]]) < 8, row
    hanoi = {row["ward_code"] for row in rows if row["province_code"] == "01"}
    assert hanoi == {"00070"}  # Phường Hoàn Kiếm
