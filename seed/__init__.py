"""Deterministic, national-scale synthetic data: the directory, employers, people and their records, demo logins."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
from tqdm import tqdm

from seed.benefits import load_base_salary
from seed.content import faq_rows, news_rows
from seed.diagnoses import Catalogue, build_care_index, load_diagnoses
from seed.directory import build_directory
from seed.employers import employer_count, generate_employers
from seed.errors import SeedError
from seed.facilities import generate_facilities
from seed.integrity import restore_row_checks, skip_row_checks, verify_foreign_keys
from seed.life import Context
from seed.names import load_name_parts
from seed.people import Identifiers
from seed.population import write_population
from seed.rng import VN_TZ, stream
from seed.world import load_world
from seed.writer import COLUMNS, Sink

__all__ = ["SeedError", "SeedReport", "seed_database"]

SELECT_EXISTING = "select exists (select from people) or exists (select from facilities)"
INSERT_DATASET_INFO = "insert into dataset_info (key, value) values ($1, $2::text::jsonb)"
ANALYZE = "analyze facilities, employers, people, insurance_cards, contribution_periods, benefits, medical_visits"


@dataclass(frozen=True)
class SeedReport:
    persons: int
    facilities: int
    cards: int
    contribution_periods: int
    benefits: int
    medical_visits: int
    employers: int
    seconds: float


async def _context(conn: asyncpg.Connection, sink: Sink, *, seed: int, persons: int, facilities: int,
                   as_of: date) -> Context:
    world = await load_world(conn, as_of)
    parts = load_name_parts()
    facility_rows, built = generate_facilities(world, parts, stream(seed, "facilities"), facilities)
    directory = build_directory(world, built)
    sink.add_records("facilities", facility_rows)
    sink.next_id("facilities", len(facility_rows))
    employer_rows, employers = generate_employers(world, directory, parts, stream(seed, "employers"),
                                                  employer_count(persons))
    sink.add_records("employers", employer_rows)
    sink.next_id("employers", len(employer_rows))
    now = datetime(as_of.year, as_of.month, as_of.day, tzinfo=VN_TZ)
    return Context(world, directory, employers, parts, load_base_salary(), Identifiers.create(stream(seed, "ids")), now,
                   Catalogue(load_diagnoses()), build_care_index(built))


async def seed_database(conn: asyncpg.Connection, *, persons: int, seed: int, facilities: int = 13_000,
                        demo: bool = True, progress: bool = True, as_of: date | None = None) -> SeedReport:
    """Fill an empty database (reference data loaded) with `persons` people and everything around them.

    Never commits: the caller wraps the call in a transaction so that a failed seed leaves nothing behind.
    The same `seed` and `as_of` (default: today in Vietnam) give byte-identical data, password hashes aside.
    """
    started = time.perf_counter()
    if persons < 0:
        raise SeedError("persons must not be negative")
    if not conn.is_in_transaction():
        raise SeedError("seed inside a transaction (async with conn.transaction()), so a failure leaves nothing behind")
    if await conn.fetchval(SELECT_EXISTING):
        raise SeedError("the database already holds data; seed only an empty database")
    as_of = as_of or datetime.now(VN_TZ).date()
    checks_deferred = await skip_row_checks(conn)
    sink = Sink(conn)
    ctx = await _context(conn, sink, seed=seed, persons=persons, facilities=facilities, as_of=as_of)
    await sink.write(sink.take_batch())
    with tqdm(total=persons, desc="seed", unit="person", file=sys.stderr, disable=not progress) as bar:
        await write_population(ctx, sink, seed, persons, bar)
    if demo:
        from seed.demo import write_demo  # argon2 and the demo constants are needed only here

        write_demo(seed, ctx, sink)
    for table, rows in (("faqs", faq_rows()), ("news", news_rows())):
        sink.add_records(table, rows)
        sink.next_id(table, len(rows))
    await sink.finish()
    if checks_deferred:
        await restore_row_checks(conn)
        await verify_foreign_keys(conn, list(COLUMNS))
    info = {"persons": persons, "seed": seed, "facilities": facilities, "demo": demo, "as_of": as_of.isoformat()}
    await conn.execute(INSERT_DATASET_INFO, "seed", json.dumps(info))
    await conn.execute(ANALYZE)
    written = sink.written
    return SeedReport(written["people"], written["facilities"], written["insurance_cards"],
                      written["contribution_periods"], written["benefits"], written["medical_visits"],
                      written["employers"], round(time.perf_counter() - started, 3))
