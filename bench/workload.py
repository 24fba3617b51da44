"""What the bench sends: each document as each contender takes it, for many persons, cards and searches."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from auth.partners import create_key
from bench.database import BenchPerson
from bench.load import BenchRequest

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contract"
PGL_DOCUMENTS = ROOT / "bench" / "documents" / "postgraphile"
RLS_SQL = ROOT / "bench" / "postgraphile" / "rls.sql"
PGL_ROLE = "bench_postgraphile"
DOCUMENTS = ("home", "home-apq", "history", "directory", "card")
# Apollo automatic persisted queries: each process learns the document once, then the app sends only its hash.
REGISTRATIONS = 40
HISTORY_PAGE = 20
DIRECTORY_KEYS = 64
CARD_KEYS = 64
RESET_CARD_BUDGETS = "delete from throttle_counters where key like 'card-check:%'"
JSON = {"Content-Type": "application/json"}
# Words people type into the directory search, without diacritics or with them, one of them misspelt.
SEARCHES = ("benh vien", "tram y te", "phòng khám", "trung tam y te", "bệnh viện đa khoa", "benh vien nhi", "y te xa")


def contract(name: str) -> str:
    return (CONTRACT / f"{name}.graphql").read_text(encoding="utf-8")


def graphql_body(query: str, variables: dict[str, object] | None = None) -> str:
    return json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=False)


@dataclass
class Workload:
    dsn: str
    pg_dsn: str
    persons: int
    by_kind: dict[tuple[str, str], list[BenchRequest]] = field(default_factory=dict)
    # Requests to send before a document's load (the persisted-query registrations), by (kind, document).
    before: dict[tuple[str, str], list[BenchRequest]] = field(default_factory=dict)

    def requests(self, kind: str, document: str) -> list[BenchRequest]:
        return self.by_kind.get((kind, document), [])


def postgraphile_dsn(dsn: str) -> str:
    parts = urlsplit(dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(("postgres", f"{PGL_ROLE}@{host}", parts.path, parts.query, ""))


async def prepare_database(dsn: str) -> str:
    """Apply the PostGraphile role, RLS policies and functions (idempotent); return that role's DSN."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(RLS_SQL.read_text(encoding="utf-8"))
    finally:
        await conn.close()
    return postgraphile_dsn(dsn)


async def partner_keys(dsn: str, count: int, scope: str = "directory:read") -> list[str]:
    """Keys with `scope`, so the load spreads over many partners' rate limits (directory) or budgets (card checks)."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            return [(await create_key(conn, f"Bench partner {i}", (scope,))).key for i in range(count)]
    finally:
        await conn.close()


async def province_centres(dsn: str) -> list[tuple[float, float]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("select latitude, longitude from provinces order by code")
    finally:
        await conn.close()
    return [(r["latitude"], r["longitude"]) for r in rows]


async def build_workload(dsn: str, pg_dsn: str, persons: int, people: list[BenchPerson]) -> Workload:
    workload = Workload(dsn, pg_dsn, persons)
    home, history = contract("mobile/Home"), contract("mobile/MedicalHistory")
    pgl_home = (PGL_DOCUMENTS / "Home.graphql").read_text(encoding="utf-8")
    pgl_history = (PGL_DOCUMENTS / "MedicalHistory.graphql").read_text(encoding="utf-8")
    home_body, pgl_home_body = graphql_body(home), graphql_body(pgl_home)
    history_body = graphql_body(history, {"first": HISTORY_PAGE})
    pgl_history_body = graphql_body(pgl_history, {"first": HISTORY_PAGE})
    bearer = [{**JSON, "Authorization": f"Bearer {p.token}"} for p in people]
    as_person = [{**JSON, "x-person-id": str(p.person_id)} for p in people]
    workload.by_kind[("service", "home")] = [BenchRequest("/graphql", h, home_body) for h in bearer]
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(home.encode()).hexdigest()}}
    hash_body = json.dumps({"extensions": persisted})
    workload.by_kind[("service", "home-apq")] = [BenchRequest("/graphql", h, hash_body) for h in bearer]
    register = json.dumps({"query": home, "extensions": persisted})
    workload.before[("service", "home-apq")] = [BenchRequest("/graphql", bearer[0], register)] * REGISTRATIONS
    workload.by_kind[("raw", "home")] = [BenchRequest("/home", h, "") for h in bearer]
    workload.by_kind[("raw", "history")] = [BenchRequest("/history", h, "") for h in bearer]
    workload.by_kind[("postgraphile", "home")] = [BenchRequest("/graphql", h, pgl_home_body) for h in as_person]
    workload.by_kind[("service", "history")] = [BenchRequest("/graphql", h, history_body) for h in bearer]
    workload.by_kind[("postgraphile", "history")] = [
        BenchRequest("/graphql", h, pgl_history_body) for h in as_person
    ]
    workload.by_kind[("service", "directory")] = await directory_requests(dsn)
    card = contract("partner/VerifyInsuranceCard")
    # Each key may check 600 cards a minute (resolvers/card_check.py): spread over CARD_KEYS, and the counters
    # cleared before each turn (RESET_CARD_BUDGETS), so every contender's turn answers checks, not refusals.
    keys = await partner_keys(dsn, CARD_KEYS, "card:verify")
    workload.by_kind[("service", "card")] = [
        BenchRequest(
            "/graphql",
            {**JSON, "X-API-Key": keys[i % len(keys)]},
            graphql_body(
                card,
                {"cardNumber": p.social_insurance_code, "fullName": p.full_name, "dateOfBirth": p.date_of_birth},
            ),
        )
        for i, p in enumerate(people)
    ]
    return workload


async def directory_requests(dsn: str) -> list[BenchRequest]:
    """Facilities.graphql with a search text and `near` a point around a province centre, nearest first."""
    rng = random.Random(11)
    keys = await partner_keys(dsn, DIRECTORY_KEYS)
    centres = await province_centres(dsn)
    query = contract("public/Facilities")
    requests = []
    for i in range(1000):
        lat, lon = rng.choice(centres)
        variables = {
            "filter": {"search": rng.choice(SEARCHES)},
            "near": {"latitude": round(lat + rng.uniform(-0.2, 0.2), 4),
                     "longitude": round(lon + rng.uniform(-0.2, 0.2), 4), "radiusKm": 30},
            "first": 20,
        }  # fmt: skip
        headers = {**JSON, "X-API-Key": keys[i % len(keys)]}
        requests.append(BenchRequest("/graphql", headers, graphql_body(query, variables)))
    return requests
