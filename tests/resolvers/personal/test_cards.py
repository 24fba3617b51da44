"""The card at the front desk, for its holder: the card image (SVG, PNG) with a QR code that scans to the signed
payload, only for the holder; the card history; and the current card around the turn of the year."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from typing import Any

import asyncpg
import httpx
import strawberry
import zxingcpp
from PIL import Image
from strawberry.schema.config import StrawberryConfig

from auth.card_signing import Seal, card_signer
from auth.viewer import Viewer, ViewerKind
from core.settings import Settings
from db.cards import VIETNAM
from schema.card import InsuranceCard
from schema.ids import to_global_id
from schema.scalars import SCALAR_MAP
from seed.demo import DEMO_PEOPLE
from tests.factories import add_card, make_citizen, make_partner_key
from tests.graphql import contract, error_codes, gql

CARD_IMAGE = contract("mobile/CardImage")
CARD_HISTORY = contract("mobile/CardHistory")
SCANNED = contract("partner/VerifyScannedCard")
NAME = "Lê Thị Hồng & <Cúc>"
TODAY = dt.datetime.now(VIETNAM).date()  # what the service calls today
DAY = dt.timedelta(days=1)
SVG = "{http://www.w3.org/2000/svg}"


async def a_holder(db: asyncpg.Connection) -> tuple[Any, int]:
    citizen = await make_citizen(db, full_name=NAME)
    card = await add_card(db, citizen, valid_from=TODAY - 30 * DAY, valid_to=TODAY + 300 * DAY)
    return citizen, card


def decoded(image: dict[str, Any]) -> bytes:
    prefix = f"data:{image['mediaType']};base64,"
    assert image["dataUrl"].startswith(prefix)
    return base64.b64decode(image["dataUrl"][len(prefix) :], validate=True)


def qr_of_svg(document: str) -> Image.Image:
    """The QR code drawn in the SVG, rebuilt module by module from its path and scaled up for a scanner."""
    root = ET.fromstring(document)  # noqa: S314 - the service's own answer, in a test
    inner = root.find(f"{SVG}svg")
    assert inner is not None
    size = int(inner.attrib["viewBox"].split()[2])
    path = inner.find(f"{SVG}path")
    assert path is not None
    picture = Image.new("L", (size, size), 255)
    for x, y, n in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", path.attrib["d"]):
        for dx in range(int(n)):
            picture.putpixel((int(x) + dx, int(y)), 0)
    return picture.resize((size * 8, size * 8), Image.Resampling.NEAREST)


async def test_the_holder_gets_the_card_as_svg_with_its_facts_and_a_scannable_qr_code(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    citizen, card_id = await a_holder(db)
    card = await db.fetchrow("select card_number, valid_from, valid_to from insurance_cards where id = $1", card_id)

    result = await gql(client, CARD_IMAGE, {"format": "SVG"}, token=citizen.token)

    assert "errors" not in result, result
    current = result["data"]["me"]["currentCard"]
    assert current["id"] == to_global_id("InsuranceCard", card_id) and current["status"] == "IN_FORCE"
    image = current["image"]
    assert (image["format"], image["mediaType"], image["width"], image["height"]) == ("SVG", "image/svg+xml", 856, 540)
    document = decoded(image).decode("utf-8")
    texts = " ".join(t.text or "" for t in ET.fromstring(document).iter(f"{SVG}text"))  # noqa: S314
    for fact in (
        card["card_number"], citizen.social_insurance_code, NAME.upper(), "12/03/1990", "Nữ", "2 Phố Thử",
        card["valid_from"].strftime("%d/%m/%Y"), card["valid_to"].strftime("%d/%m/%Y"), "01/01/2020",
    ):
        assert fact in texts, fact
    assert "&lt;CÚC&gt;" in document and "<CÚC>" not in document  # text is escaped, diacritics kept in UTF-8
    # the QR code scans to the signed payload, which carries the card's facts
    assert [r.text for r in zxingcpp.read_barcodes(qr_of_svg(document))] == [image["qrPayload"]]
    opened = card_signer(settings).open(image["qrPayload"])
    assert opened.seal is Seal.INTACT and opened.facts is not None
    assert (opened.facts.card_number, opened.facts.full_name) == (card["card_number"], NAME)


async def test_the_png_scans_to_a_payload_the_front_desk_finds_valid(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen, _ = await a_holder(db)
    result = await gql(client, CARD_IMAGE, {"format": "PNG"}, token=citizen.token)
    image = result["data"]["me"]["currentCard"]["image"]
    png = decoded(image)
    assert image["mediaType"] == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(image["dataUrl"]) < 60_000  # a phone fetches it over a poor connection

    picture = Image.open(io.BytesIO(png))
    assert picture.size == (856, 540)
    scanned = [r.text for r in zxingcpp.read_barcodes(picture)]
    assert scanned == [image["qrPayload"]]

    key = await make_partner_key(db, ["card:verify"])
    check = (await gql(client, SCANNED, {"qr": scanned[0]}, api_key=key))["data"]["verifyInsuranceCard"]
    assert (check["valid"], check["reason"]) == (True, "VALID")


async def test_only_the_holder_gets_the_image(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    _, card_id = await a_holder(db)
    other = await make_citizen(db)
    node = """query($id: ID!) { node(id: $id) { ... on InsuranceCard { image { dataUrl } } } }"""

    anonymous = await gql(client, CARD_IMAGE, {"format": "SVG"})
    assert anonymous["data"]["me"] is None and error_codes(anonymous) == ["UNAUTHENTICATED"]
    # another citizen's look-up of the card reads like a card that does not exist
    foreign = await gql(client, node, {"id": to_global_id("InsuranceCard", card_id)}, token=other.token)
    assert foreign == {"data": {"node": None}}


@strawberry.type
class _LeakyQuery:
    @strawberry.field
    def card(self) -> InsuranceCard | None:
        row = {
            "id": 1, "person_id": 1, "group_code": "DN", "primary_facility_id": 1, "card_number": "DN4010123456789",
            "benefit_level": 4, "coverage_percent": 80, "valid_from": TODAY, "valid_to": TODAY,
            "five_years_continuous_from": None, "residence_area": None, "issued_on": TODAY, "revoked_at": None,
        }
        return InsuranceCard.from_row(row)


async def test_a_card_handed_to_another_viewer_yields_no_image_but_a_code() -> None:
    # the schema layer alone: even a resolver that hands out person 1's card never draws it for anyone else
    schema = strawberry.Schema(query=_LeakyQuery, config=StrawberryConfig(scalar_map=SCALAR_MAP))
    for viewer, code in ((Viewer(kind=ViewerKind.CITIZEN, person_id=2), "FORBIDDEN"),
                         (Viewer(kind=ViewerKind.ANONYMOUS), "UNAUTHENTICATED")):
        context = type("Context", (), {"viewer": viewer})()
        result = await schema.execute("{ card { image(format: PNG) { dataUrl } } }", context_value=context)
        assert result.data == {"card": None}
        assert result.errors is not None and [e.extensions for e in result.errors] == [{"code": code}]


async def test_the_card_history_lists_every_card_newest_first_with_its_status(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen, current = await a_holder(db)
    older = await add_card(db, citizen, valid_from=TODAY - 395 * DAY, valid_to=TODAY - 31 * DAY)
    oldest = await add_card(db, citizen, valid_from=TODAY - 760 * DAY, valid_to=TODAY - 396 * DAY)
    await db.execute("update insurance_cards set revoked_at = now() - interval '400 days' where id = $1", oldest)
    renewal = await add_card(db, citizen, valid_from=TODAY + 301 * DAY, valid_to=TODAY + 665 * DAY)

    nodes, after = [], None
    while True:
        page = (await gql(client, CARD_HISTORY, {"first": 3, "after": after}, token=citizen.token))["data"]["me"]
        nodes += [edge["node"] for edge in page["cards"]["edges"]]
        assert page["cards"]["totalCount"] == 4
        if not page["cards"]["pageInfo"]["hasNextPage"]:
            break
        after = page["cards"]["pageInfo"]["endCursor"]

    assert [n["id"] for n in nodes] == [to_global_id("InsuranceCard", i) for i in (renewal, current, older, oldest)]
    assert [n["status"] for n in nodes] == ["NOT_YET_VALID", "IN_FORCE", "EXPIRED", "REVOKED"]
    assert [n["validTo"] for n in nodes] == [(TODAY + d * DAY).isoformat() for d in (665, 300, -31, -396)]
    assert nodes[3]["revokedAt"] is not None and nodes[0]["revokedAt"] is None
    assert all(n["issuedOn"] and n["primaryFacility"]["code"] and n["beneficiaryGroup"]["code"] for n in nodes)
    # another person's history is empty
    other = await make_citizen(db)
    assert (await gql(client, CARD_HISTORY, {}, token=other.token))["data"]["me"]["cards"]["totalCount"] == 0


async def test_the_current_card_stays_shown_for_a_month_after_it_ends_but_never_when_revoked(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen = await make_citizen(db)
    ended = await add_card(db, citizen, valid_from=TODAY - 400 * DAY, valid_to=TODAY - 1 * DAY)
    query = "{ me { currentCard { id status validTo } } }"

    # 1 January before the renewal is issued: yesterday's card, EXPIRED
    current = (await gql(client, query, token=citizen.token))["data"]["me"]["currentCard"]
    assert (current["id"], current["status"]) == (to_global_id("InsuranceCard", ended), "EXPIRED")
    # then the renewal takes its place
    renewal = await add_card(db, citizen, valid_from=TODAY, valid_to=TODAY + 364 * DAY)
    current = (await gql(client, query, token=citizen.token))["data"]["me"]["currentCard"]
    assert (current["id"], current["status"]) == (to_global_id("InsuranceCard", renewal), "IN_FORCE")
    # a revoked card is never current; a card ended longer ago neither
    await db.execute("update insurance_cards set revoked_at = now() where id = $1", renewal)
    await db.execute("update insurance_cards set valid_to = $2 where id = $1", ended, TODAY - 32 * DAY)
    assert (await gql(client, query, token=citizen.token))["data"]["me"]["currentCard"] is None


async def test_every_demo_person_has_a_card_history(db: asyncpg.Connection) -> None:
    codes = [person.social_insurance_code for person in DEMO_PEOPLE]
    counts = await db.fetch(
        """select p.social_insurance_code, count(*) as cards, count(*) filter (where c.valid_to >= current_date) as now
           from insurance_cards c join people p on p.id = c.person_id
           where p.social_insurance_code = any($1::text[]) group by 1""",
        codes,
    )
    assert len(counts) == len(codes)
    assert all(row["cards"] > 1 and row["now"] >= 1 for row in counts), [tuple(r) for r in counts]


async def test_bad_paging_of_the_card_history_is_coded(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen, _ = await a_holder(db)
    for variables, code in (({"first": 101}, "INVALID_INPUT"), ({"first": -1}, "INVALID_INPUT"),
                            ({"after": "not-a-cursor"}, "INVALID_CURSOR")):
        result = await gql(client, CARD_HISTORY, variables, token=citizen.token)
        assert error_codes(result) == [code], variables
        assert result["data"]["me"]["cards"] is None
    bad_format = await gql(client, CARD_IMAGE, {"format": "GIF"}, token=citizen.token)
    assert error_codes(bad_format) == ["BAD_USER_INPUT"]


async def test_a_name_stored_decomposed_still_scans_valid(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # the payload carries names in NFC; a name on record in NFD (combining marks) is the same name
    citizen = await make_citizen(db, full_name=unicodedata.normalize("NFD", "Nguyễn Thị Ánh"))
    await add_card(db, citizen, valid_from=TODAY - 30 * DAY, valid_to=TODAY + 300 * DAY)
    result = await gql(client, CARD_IMAGE, {"format": "SVG"}, token=citizen.token)
    image = result["data"]["me"]["currentCard"]["image"]

    key = await make_partner_key(db, ["card:verify"])
    check = (await gql(client, SCANNED, {"qr": image["qrPayload"]}, api_key=key))["data"]["verifyInsuranceCard"]
    assert (check["valid"], check["reason"]) == (True, "VALID")
