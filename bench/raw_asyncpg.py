"""The limit of this stack: the Home answer built by a bare Starlette endpoint, with no GraphQL.

It runs the very statements the service's loaders run for the Home document (the functions of db/, so it follows
their changes): the session by token hash (with the person), the current card, the contribution summary, the first page
of medical visits, then the beneficiary group, the facilities, the diagnoses and the provinces, all on one
connection, and writes the same JSON as `POST /graphql` with Home.graphql. `POST /history` does the same for
MedicalHistory.graphql with `first: 20` (the bench's page): the session with the person, the page of visits, the
years (whose sum is the total, as the service counts it), then the facilities (with their province) and the
diagnoses.

    uvicorn --factory bench.raw_asyncpg:create_raw_app    (DATABASE_URL points at the bench database)
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auth.request import bearer_token
from auth.sessions import access_token_lookup
from core.settings import load_settings
from db import cards, contributions, facilities, viewers, visits
from db.pool import Database, create_database
from schema.cursors import encode_cursor

VIETNAM = dt.timezone(dt.timedelta(hours=7))
HOME_VISITS = 5
HISTORY_PAGE = 20
UNAUTHENTICATED = {"data": {"me": None}, "errors": [{"message": "sign in", "extensions": {"code": "UNAUTHENTICATED"}}]}


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def money(value: Any) -> str:
    return str(int(value))


def facility_json(row: asyncpg.Record, provinces_by_code: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"code": row["code"], "name": row["name"]}
    if provinces_by_code is not None:
        out["address"] = row["address"]
        code = row["province_code"]
        out["province"] = {"code": code, "name": provinces_by_code[code]}
    return out


def card_json(card: asyncpg.Record, group_name: str | None, facility: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "cardNumber": card["card_number"],
        "beneficiaryGroup": {"code": card["group_code"], "name": group_name} if group_name is not None else None,
        "benefitLevel": card["benefit_level"],
        "coveragePercent": card["coverage_percent"],
        "validFrom": card["valid_from"],
        "validTo": card["valid_to"],
        "fiveYearsContinuousFrom": card["five_years_continuous_from"],
        "residenceArea": card["residence_area"],
        "primaryFacility": facility,
    }


def summary_json(rows: list[asyncpg.Record]) -> dict[str, Any]:
    total = next((r for r in rows if r["scheme"] is None), None)
    return {
        "totalMonths": total["months"] if total else 0,
        "unpaidMonths": total["unpaid_months"] if total else 0,
        "byScheme": [
            {"scheme": r["scheme"], "months": r["months"], "unpaidMonths": r["unpaid_months"]}
            for r in rows
            if r["scheme"] is not None
        ],
    }


def visit_json(row: asyncpg.Record, facility: dict[str, Any] | None, diagnosis: str | None) -> dict[str, Any]:
    code = row["primary_diagnosis_code"]
    return {
        "node": {
            "id": global_id("MedicalVisit", row["id"]),
            "admittedAt": row["admitted_at"].astimezone(VIETNAM),  # as the API writes DateTime
            "visitType": row["visit_type"],
            "facility": facility,
            "primaryDiagnosis": {"code": code, "name": diagnosis} if diagnosis is not None else None,
            "totalCost": money(row["total_cost"]),
            "insurancePaid": money(row["insurance_paid"]),
        }
    }


async def _session(conn: asyncpg.Connection, token: str) -> asyncpg.Record | None:
    """The bearer's session, found as the service finds it: by the person the token names and the token's hashes."""
    lookup = access_token_lookup(token)
    return None if lookup is None else await viewers.session_by_access_token(conn, lookup.person_id, lookup.hashes)


async def home(conn: asyncpg.Connection, token: str) -> dict[str, Any]:
    """The Home answer for the bearer of `token`, statement by statement as the loaders run them."""
    session = await _session(conn, token)
    if session is None or session["password_change_only"]:
        return UNAUTHENTICATED
    person_id = session["person_id"]
    person = viewers.person_of_session(session)  # read with the session, as the service does
    card_rows = await cards.cards_valid_today(conn, [person_id], viewer_id=person_id)
    summary_rows = await contributions.summaries(conn, [person_id], viewer_id=person_id)
    page = await visits.VISITS.page(conn, owner_id=person_id, viewer_id=person_id, after=None, limit=HOME_VISITS + 1)
    visit_rows = page[:HOME_VISITS]
    card = card_rows[0] if card_rows else None
    group_name = card["group_name"] if card is not None else None
    facility_ids = {v["facility_id"] for v in visit_rows} | ({card["primary_facility_id"]} if card else set())
    facility_rows = {r["id"]: r for r in await facilities.facilities_by_id(conn, sorted(facility_ids))}
    codes = sorted({v["primary_diagnosis_code"] for v in visit_rows})
    diagnoses = {r["code"]: r["name"] for r in await visits.diagnoses_by_code(conn, codes)} if codes else {}
    primary = facility_rows.get(card["primary_facility_id"]) if card else None
    province_names: dict[str, str] = {}
    if primary is not None and primary["province_name"] is not None:
        province_names = {primary["province_code"]: primary["province_name"]}
    edges = []
    for v in visit_rows:
        facility = facility_rows.get(v["facility_id"])
        edges.append(
            visit_json(
                v, facility_json(facility, None) if facility else None, diagnoses.get(v["primary_diagnosis_code"])
            )
        )
    me = {
        "id": global_id("Person", person_id),
        "fullName": person["full_name"],
        "socialInsuranceCode": person["social_insurance_code"],
        "dateOfBirth": person["date_of_birth"],
        "currentCard": card_json(card, group_name, facility_json(primary, province_names) if primary else None)
        if card
        else None,
        "contributionSummary": summary_json(summary_rows),
        "medicalVisits": {"edges": edges},
    }
    return {"data": {"me": me}}


def history_visit_json(
    row: asyncpg.Record, facility: asyncpg.Record | None, diagnosis: str | None
) -> dict[str, Any]:
    code = row["primary_diagnosis_code"]
    discharged = row["discharged_at"]
    place = None
    if facility is not None:
        province = {"name": facility["province_name"]} if facility["province_name"] is not None else None
        place = {"code": facility["code"], "name": facility["name"], "level": facility["level"], "province": province}
    return {
        "node": {
            "id": global_id("MedicalVisit", row["id"]),
            "visitType": row["visit_type"],
            "admittedAt": row["admitted_at"].astimezone(VIETNAM),
            "dischargedAt": discharged.astimezone(VIETNAM) if discharged is not None else None,
            "primaryDiagnosis": {"code": code, "name": diagnosis} if diagnosis is not None else None,
            "totalCost": money(row["total_cost"]),
            "insurancePaid": money(row["insurance_paid"]),
            "patientPaid": money(row["patient_paid"]),
            "facility": place,
        }
    }


def year_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "year": row["year"], "visits": row["visits"], "totalCost": money(row["total_cost"]),
        "insurancePaid": money(row["insurance_paid"]), "patientPaid": money(row["patient_paid"]),
    }


async def history(conn: asyncpg.Connection, token: str) -> dict[str, Any]:
    """The MedicalHistory answer (first page of 20) for the bearer of `token`, as the loaders run it."""
    session = await _session(conn, token)
    if session is None or session["password_change_only"]:
        return UNAUTHENTICATED
    person_id = session["person_id"]
    rows = await visits.VISITS.page(conn, owner_id=person_id, viewer_id=person_id, after=None, limit=HISTORY_PAGE + 1)
    years = await visits.visit_years(conn, [person_id], viewer_id=person_id)
    total = sum(year["visits"] for year in years)  # as the service counts it (schema/person.py)
    page = rows[:HISTORY_PAGE]
    facility_ids = sorted({v["facility_id"] for v in page})
    by_id = {r["id"]: r for r in await facilities.facilities_by_id(conn, facility_ids)} if facility_ids else {}
    codes = sorted({v["primary_diagnosis_code"] for v in page})
    diagnoses = {r["code"]: r["name"] for r in await visits.diagnoses_by_code(conn, codes)} if codes else {}
    edges = [
        history_visit_json(v, by_id.get(v["facility_id"]), diagnoses.get(v["primary_diagnosis_code"])) for v in page
    ]
    last = page[-1] if page else None
    end_cursor = encode_cursor("medicalVisits", (last["admitted_at"], last["id"])) if last is not None else None
    visits_json = {
        "totalCount": total,
        "pageInfo": {"hasNextPage": len(rows) > HISTORY_PAGE, "endCursor": end_cursor},
        "edges": edges,
    }
    return {"data": {"me": {"medicalVisits": visits_json, "visitSummary": [year_json(y) for y in years]}}}


async def answer(request: Request, build: Any) -> Response:
    token = bearer_token(request)
    if token is None:
        return Response(orjson.dumps(UNAUTHENTICATED), media_type="application/json")
    database: Database = request.app.state.database
    async with database.acquire() as conn:
        body = await build(conn, token)
    return Response(orjson.dumps(body), media_type="application/json")


async def home_endpoint(request: Request) -> Response:
    return await answer(request, home)


async def history_endpoint(request: Request) -> Response:
    return await answer(request, history)


def create_raw_app(dsn: str | None = None) -> Starlette:
    settings = load_settings()
    target = dsn or settings.database_url or os.environ["DATABASE_URL"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.database = await create_database(target, settings)
        try:
            yield
        finally:
            await app.state.database.close(grace_seconds=settings.shutdown_timeout_seconds)

    routes = [
        Route("/home", home_endpoint, methods=["POST", "GET"]),
        Route("/history", history_endpoint, methods=["POST", "GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
