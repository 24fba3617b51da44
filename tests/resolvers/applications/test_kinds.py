"""Each kind's rules and effect: the facility change (window, facility, from the next quarter), the reissue (the old
QR code stops verifying), the correction of details (old and new side by side)."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx

from auth.card_signing import card_signer
from core.settings import Settings
from resolvers.applications.quarters import next_quarter_start
from tests.factories import make_partner_key
from tests.graphql import contract, gql
from tests.resolvers.applications.support import DECIDE, TODAY, act, new_facility, office, open_window, submit
from tests.resolvers.test_card_scan import facts_of

CARDS = """
select valid_from, valid_to, f.code from insurance_cards c join facilities f on f.id = c.primary_facility_id
where person_id = $1 order by valid_from
"""


def codes(payload: dict[str, object]) -> list[tuple[str, str | None]]:
    errors = payload["errors"]
    assert isinstance(errors, list)
    return [(e["code"], e["field"]) for e in errors]


async def test_a_facility_change_takes_effect_on_the_card_from_the_next_quarter(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # Given an open window and a citizen whose card runs past the next quarter
    await open_window(db, 92)
    desk = await office(db)
    old_code = await db.fetchval(
        "select f.code from insurance_cards c join facilities f on f.id = c.primary_facility_id where c.id = $1",
        desk.card_id,
    )
    # When they ask for an eligible facility and the officer approves
    payload = await submit(client, desk.citizen.token, primaryFacilityChange={"facilityCode": desk.facility_code})
    application = payload["application"]
    assert application["changes"] == [{"field": "facilityCode", "before": old_code, "after": desk.facility_code}]
    decided = await act(client, DECIDE, desk.officer_token, id=application["id"], decision="APPROVE")
    # Then the card keeps the old facility to the quarter's end and carries the new one from the next quarter
    assert decided["application"]["status"] == "APPROVED"
    start = next_quarter_start(TODAY)
    cards = [tuple(row) for row in await db.fetch(CARDS, desk.citizen.id)]
    assert cards == [
        (TODAY - dt.timedelta(days=200), start - dt.timedelta(days=1), old_code),
        (start, TODAY + dt.timedelta(days=300), desk.facility_code),
    ]


async def test_a_facility_change_outside_the_window_is_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    await open_window(db, 0)
    desk = await office(db)
    payload = await submit(client, desk.citizen.token, primaryFacilityChange={"facilityCode": desk.facility_code})
    assert codes(payload) == [("APPLICATION_WINDOW_CLOSED", None)]
    assert await db.fetchval("select count(*) from applications where person_id = $1", desk.citizen.id) == 0


async def test_a_facility_must_accept_initial_registration_and_suit_the_person(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    await open_window(db, 92)
    desk = await office(db)
    closed = await new_facility(db, initial=False)
    station = await new_facility(db, kind="HEALTH_STATION")  # of no level: not a level the rule allows
    far_province = await db.fetchval("select code from provinces order by code desc limit 1")
    far = await new_facility(db, province=far_province)
    current = await db.fetchval(
        "select f.code from insurance_cards c join facilities f on f.id = c.primary_facility_id where c.id = $1",
        desk.card_id,
    )
    field = "primaryFacilityChange.facilityCode"
    for code in (closed, station, far, current, "99ZZZ"):
        payload = await submit(client, desk.citizen.token, primaryFacilityChange={"facilityCode": code})
        assert codes(payload) == [("FACILITY_NOT_ELIGIBLE", field)], code
    malformed = await submit(client, desk.citizen.token, primaryFacilityChange={"facilityCode": "1"})
    assert codes(malformed) == [("INVALID_INPUT", field)]
    assert await db.fetchval("select count(*) from applications where person_id = $1", desk.citizen.id) == 0


async def test_a_reissued_card_keeps_its_number_and_its_old_qr_code_answers_revoked(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    desk = await office(db)
    partner = await make_partner_key(db, ["card:verify"], name="Bệnh viện Thử")
    old_qr = card_signer(settings).sign(await facts_of(db, desk.card_id))
    number = await db.fetchval("select card_number from insurance_cards where id = $1", desk.card_id)
    # When the reissue is approved
    payload = await submit(client, desk.citizen.token, cardReissue={"reason": "DAMAGED"})
    decided = await act(client, DECIDE, desk.officer_token, id=payload["application"]["id"], decision="APPROVE")
    # Then the card has the same number and a new issue date
    changes = {c["field"]: (c["before"], c["after"]) for c in decided["application"]["changes"]}
    assert changes["cardNumber"] == (number, number)
    assert changes["issuedOn"] == ((TODAY - dt.timedelta(days=200)).isoformat(), TODAY.isoformat())
    # and the QR code printed before answers REVOKED at the front desk, the new one VALID
    scanned = contract("partner/VerifyScannedCard")
    old = (await gql(client, scanned, {"qr": old_qr}, api_key=partner))["data"]["verifyInsuranceCard"]
    new_qr = card_signer(settings).sign(await facts_of(db, desk.card_id))
    new = (await gql(client, scanned, {"qr": new_qr}, api_key=partner))["data"]["verifyInsuranceCard"]
    assert (old["valid"], old["reason"]) == (False, "REVOKED")
    assert (new["valid"], new["reason"]) == (True, "VALID")


async def test_a_correction_shows_old_and_new_and_approval_writes_the_record(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    desk = await office(db)
    correction = {"fullName": "Phạm Văn  Nộp Mới", "address": "2 Phố Thử", "reason": "Sai chính tả khi cấp thẻ"}
    # When the citizen corrects the name (the address given is the one on record: not a change)
    payload = await submit(client, desk.citizen.token, detailsCorrection=correction)
    # Then the officer sees the record and the request side by side, for the name only
    assert payload["application"]["changes"] == [
        {"field": "fullName", "before": "Phạm Văn Nộp", "after": "Phạm Văn Nộp Mới"}
    ]
    assert payload["application"]["request"]["reason"] == "Sai chính tả khi cấp thẻ"
    await act(client, DECIDE, desk.officer_token, id=payload["application"]["id"], decision="APPROVE")
    assert await db.fetchval("select full_name from people where id = $1", desk.citizen.id) == "Phạm Văn Nộp Mới"
    # and a correction that changes nothing, or has no reason, is refused
    same = await submit(client, desk.citizen.token, detailsCorrection={"address": "2 Phố Thử", "reason": "x"})
    no_reason = await submit(client, desk.citizen.token, detailsCorrection={"fullName": "Ai Đó", "reason": " "})
    assert codes(same) == [("INVALID_INPUT", "detailsCorrection")]
    assert codes(no_reason) == [("INVALID_INPUT", "detailsCorrection.reason")]
