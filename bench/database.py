"""The benchmark database: an embedded PostgreSQL under .bench/, one database per size, seeded once and reused.

Per-person credentials are made directly in the database: an account and a live session for a few thousand random
persons (the token is random, the database keeps its SHA-256 like auth/sessions.py), so every request of a run can
come from a different person without paying for argon2 logins.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from auth.sessions import ACCESS_PREFIX, REFRESH_PREFIX
from auth.tokens import hash_token, new_person_token
from db.dsn import with_database
from db.embedded import EmbeddedPostgres, ensure_database
from db.migrate import MigrationError, apply_migrations
from db.reference import load_reference_data

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".bench"
SEED = 20_251_125
# Any well-formed argon2id hash will do: nobody logs in with a password during a benchmark.
BENCH_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hiZW5jaGJlbmNo$YmVuY2hiZW5jaGJlbmNoYmVuY2hiZW5jaGJlbmNoYmVu"
# A reused database whose migrations no longer match the code is seeded again up to this size (seconds);
# a larger one is kept with a warning (a million persons take a quarter of an hour).
RESEED_LIMIT = 100_000
DEMO_PARTNER_KEY = "vsk_demo_7QmZp4Lx9Tb2Rw8Kc5Nf3Hd6Yv1Gs0Ja"

INSERT_ACCOUNTS = """
insert into accounts (person_id, password_hash, must_change_password, password_changed_at)
select unnest($1::bigint[]), $2, false, now()
on conflict (person_id) do update set status = 'ACTIVE', must_change_password = false, password_changed_at = now()
"""
INSERT_SESSIONS = """
insert into sessions (person_id, family_id, access_token_hash, refresh_token_hash, access_expires_at,
                      refresh_expires_at)
select p, gen_random_uuid(), a, r, now() + interval '1 day', now() + interval '2 days'
from unnest($1::bigint[], $2::bytea[], $3::bytea[]) as t (p, a, r)
"""
# The persons a run speaks for, and what the partner card check needs to know about their cards.
PERSON_SAMPLE = """
select p.id, p.social_insurance_code, p.full_name, p.date_of_birth::text as date_of_birth
from people p
where p.id = any($1::bigint[])
"""


@dataclass(frozen=True, slots=True)
class BenchPerson:
    person_id: int
    token: str
    social_insurance_code: str
    full_name: str
    date_of_birth: str


class BenchServer:
    """The embedded server under .bench/postgres, started for the run and stopped after it."""

    def __init__(self, bench_dir: Path = BENCH_DIR) -> None:
        self._server = EmbeddedPostgres(bench_dir / "postgres")

    def __enter__(self) -> BenchServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def admin_dsn(self) -> str:
        return self._server.uri("postgres")

    def dsn(self, persons: int) -> str:
        return with_database(self.admin_dsn(), f"bench_{persons}")


async def seeded_persons(dsn: str) -> int | None:
    """How many persons the database was seeded with, or None when it holds no data set."""
    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("select to_regclass('dataset_info') is not null"):
            return None
        raw = await conn.fetchval("select value::text from dataset_info where key = 'seed'")
    finally:
        await conn.close()
    return None if raw is None else int(json.loads(raw)["persons"])


def ensure_seeded(server: BenchServer, persons: int) -> str:
    """The DSN of a database holding `persons` persons, seeded here (timed, recorded in .bench/) if it is not yet."""
    dsn = server.dsn(persons)
    asyncio.run(ensure_database(server.admin_dsn(), f"bench_{persons}"))
    found = asyncio.run(seeded_persons(dsn))
    if found == persons:
        try:
            applied = asyncio.run(migrate(dsn))
        except MigrationError as exc:
            if persons > RESEED_LIMIT:
                print(f"warning: bench_{persons} migrations: {exc}", file=sys.stderr, flush=True)
                return dsn
            print(f"bench_{persons}: {exc}; seeding it again", file=sys.stderr, flush=True)
            asyncio.run(drop_database(server.admin_dsn(), f"bench_{persons}"))
            return ensure_seeded(server, persons)
        if applied:
            print(f"applied migrations to bench_{persons}: {', '.join(applied)}", file=sys.stderr, flush=True)
        return dsn
    if found is not None:
        raise SystemExit(f"database bench_{persons} holds {found} persons; drop it and run again")
    print(f"seeding {persons:,} persons (main.py seed) …", file=sys.stderr, flush=True)
    command = [sys.executable, str(ROOT / "main.py"), "seed", "--persons", str(persons), "--seed", str(SEED)]
    env = {**os.environ, "DATABASE_URL": dsn, "VSSID_LOG_FORMAT": "json"}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"seed failed:\n{result.stderr[-3000:]}")
    # The seed's last log line carries its report as fields.
    line = json.loads(result.stderr.strip().splitlines()[-1])
    report = {k: v for k, v in line.items() if k not in ("time", "level", "logger", "pid", "message")}
    shown = " ".join(["main.py", *command[2:]])
    record = {"persons": persons, "wall_seconds": round(wall, 1), "report": report, "command": shown}
    (BENCH_DIR / f"seed-{persons}.json").write_text(json.dumps(record, indent=2))
    print(f"seeded in {wall:.0f} s: {report}", file=sys.stderr, flush=True)
    return dsn


async def drop_database(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await conn.close()


async def migrate(dsn: str) -> list[str]:
    """Bring a reused database up to the code's migrations (the service refuses a stale schema)."""
    conn = await asyncpg.connect(dsn)
    try:
        applied: list[str] = await apply_migrations(conn)
        await load_reference_data(conn)
    finally:
        await conn.close()
    return applied


async def make_sessions(dsn: str, count: int, *, seed: int = 7) -> list[BenchPerson]:
    """Accounts and live sessions for `count` random persons (each run gets fresh tokens)."""
    conn = await asyncpg.connect(dsn)
    try:
        low, high = await conn.fetchrow("select min(id), max(id) from people")
        rng = random.Random(seed)
        ids = sorted(rng.sample(range(low, high + 1), min(count, high - low + 1)))
        rows = await conn.fetch(PERSON_SAMPLE, ids)
        ids = [row["id"] for row in rows]
        tokens = [new_person_token(ACCESS_PREFIX, i) for i in ids]  # tokens name their person (auth/tokens.py)
        refresh = [hash_token(new_person_token(REFRESH_PREFIX, i)) for i in ids]
        async with conn.transaction():
            await conn.execute(INSERT_ACCOUNTS, ids, BENCH_PASSWORD_HASH)
            await conn.execute(INSERT_SESSIONS, ids, [hash_token(t) for t in tokens], refresh)
    finally:
        await conn.close()
    by_id = {row["id"]: row for row in rows}
    people = [
        BenchPerson(i, t, by_id[i]["social_insurance_code"], by_id[i]["full_name"], by_id[i]["date_of_birth"])
        for i, t in zip(ids, tokens, strict=True)
    ]
    rng.shuffle(people)
    return people


async def vacuum_analyze(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("vacuum analyze accounts, sessions")
    finally:
        await conn.close()
