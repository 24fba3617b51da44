"""The schema and the SQL of db/ keep Citus's rules (db/distribution.py, docs/scale.md): every table is classified,
personal tables are keyed and linked by the person, reference tables never point at personal ones, and every
statement on a personal table names the person unless it is a declared multi-shard statement. Each rule is also
shown failing on a planted violation."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import replace

import pytest

import db
from db import distribution
from tests.citus_rules import Declarations, catalogue_violations, db_statements, statement_violations
from tests.databases import connection

DECLARED = Declarations(
    personal=distribution.PERSONAL,
    reference=distribution.REFERENCE,
    separate=distribution.SEPARATE,
    exceptions=distribution.CONSTRAINT_EXCEPTIONS,
    multi_shard=distribution.MULTI_SHARD,
)
PLANTED = """
create table planted_things (person_id bigint not null references people (id), id bigint, code text,
                             primary key (person_id, id));
"""


async def _violations(dsn: str, declarations: Declarations = DECLARED, ddl: str = "") -> list[str]:
    async with connection(dsn) as conn:
        if ddl:
            await conn.execute(ddl)
        return await catalogue_violations(conn, declarations)


def _with_planted(**more: object) -> Declarations:
    return replace(DECLARED, personal={**DECLARED.personal, "planted_things": "person_id"}, **more)  # type: ignore[arg-type]


async def test_the_schema_keeps_the_rules(fresh_dsn: str) -> None:
    assert await _violations(fresh_dsn) == []


async def test_every_declared_exception_still_exists(fresh_dsn: str) -> None:
    async with connection(fresh_dsn) as conn:
        names = {r["conname"] for r in await conn.fetch("select conname from pg_constraint")}

    assert set(distribution.CONSTRAINT_EXCEPTIONS) <= names


async def test_a_table_in_no_list_fails(fresh_dsn: str) -> None:
    found = await _violations(fresh_dsn, ddl=PLANTED)

    assert found == ["planted_things: classified 0 times (personal, reference or separate: exactly one)"]


async def test_a_table_in_two_lists_fails(fresh_dsn: str) -> None:
    twice = _with_planted(reference=DECLARED.reference | {"planted_things"})

    assert await _violations(fresh_dsn, twice, PLANTED) == [
        "planted_things: classified 2 times (personal, reference or separate: exactly one)",
        "planted_things_person_id_fkey: reference table planted_things refers to people",
    ]


async def test_a_unique_constraint_without_the_person_fails(fresh_dsn: str) -> None:
    ddl = PLANTED + "alter table planted_things add constraint planted_things_code_key unique (code);"

    assert await _violations(fresh_dsn, _with_planted(), ddl) == [
        "planted_things_code_key: unique on planted_things('code',) without person_id"
    ]


async def test_a_primary_key_without_the_person_fails(fresh_dsn: str) -> None:
    ddl = "create table planted_things (person_id bigint not null, id bigint primary key);"

    assert await _violations(fresh_dsn, _with_planted(), ddl) == [
        "planted_things_pkey: unique on planted_things('id',) without person_id"
    ]


async def test_a_session_token_key_without_the_person_fails(fresh_dsn: str) -> None:
    # the keys were unique on the hash alone until migration 0016: one coming back is a violation again
    ddl = "alter table sessions add constraint sessions_access_token_hash_key unique (access_token_hash);"

    assert await _violations(fresh_dsn, ddl=ddl) == [
        "sessions_access_token_hash_key: unique on sessions('access_token_hash',) without person_id"
    ]


async def test_a_nullable_distribution_column_fails(fresh_dsn: str) -> None:
    ddl = "create table planted_things (person_id bigint, id bigint, unique (person_id, id));"

    assert await _violations(fresh_dsn, _with_planted(), ddl) == [
        "planted_things.person_id: the distribution column is missing or nullable"
    ]


async def test_a_foreign_key_between_personal_tables_without_the_person_fails(fresh_dsn: str) -> None:
    ddl = PLANTED + """
    alter table planted_things add column benefit_id bigint;
    alter table planted_things add constraint planted_things_benefit_fkey foreign key (benefit_id, id)
        references benefits (id, person_id);
    """
    found = await _violations(fresh_dsn, _with_planted(), ddl)

    assert found == ["planted_things_benefit_fkey: planted_things refers to benefits without pairing the person"]


async def test_a_foreign_key_that_pairs_the_person_passes(fresh_dsn: str) -> None:
    ddl = PLANTED + """
    alter table planted_things add column benefit_id bigint;
    alter table planted_things add constraint planted_things_benefit_fkey foreign key (benefit_id, person_id)
        references benefits (id, person_id);
    """

    assert await _violations(fresh_dsn, _with_planted(), ddl) == []


async def test_a_reference_table_pointing_at_a_personal_one_fails(fresh_dsn: str) -> None:
    ddl = "alter table facilities add column owner_id bigint references people (id);"

    assert await _violations(fresh_dsn, ddl=ddl) == [
        "facilities_owner_id_fkey: reference table facilities refers to people"
    ]


async def test_a_personal_table_pointing_at_a_separate_one_fails(fresh_dsn: str) -> None:
    ddl = PLANTED + "alter table planted_things add column grant_id bigint references access_grants (id);"

    assert await _violations(fresh_dsn, _with_planted(), ddl) == [
        "planted_things_grant_id_fkey: planted_things refers to access_grants, which is not co-located"
    ]


# --- statements ---------------------------------------------------------------------------------------------------


def test_every_statement_of_db_names_the_person_or_is_declared_multi_shard() -> None:
    statements = dict(db_statements())
    undeclared = {
        where: found for where, sql in statements.items()
        if (found := statement_violations(sql, distribution.PERSONAL)) and where not in distribution.MULTI_SHARD
    }

    assert len(statements) > 100  # the collection found the statements (every module's, every list's)
    assert undeclared == {}


def test_the_session_look_ups_name_the_person() -> None:
    # every request's bearer look-up, every refresh and what follows them: router queries on Citus; only the nightly
    # purge of expired sessions goes to every shard
    statements = dict(db_statements())
    on_sessions = {w for w, sql in statements.items() if re.search(r"\bsessions\b", sql)}
    unrouted = {w for w in on_sessions if statement_violations(statements[w], distribution.PERSONAL)}

    assert {"viewers.SESSION_BY_ACCESS_TOKEN", "sessions.BY_REFRESH_TOKEN", "inbox.SESSION_HOLDS"} <= on_sessions
    assert unrouted == {"housekeeping.PURGE_SESSIONS"}


def test_every_multi_shard_declaration_is_a_statement_that_needs_it() -> None:
    statements = dict(db_statements())
    stale = [w for w in distribution.MULTI_SHARD
             if w not in statements or not statement_violations(statements[w], distribution.PERSONAL)]

    assert stale == []


def test_a_fragment_naming_a_personal_table_is_a_declared_template() -> None:
    names = "|".join(distribution.PERSONAL)
    mentions = re.compile(rf"\b(from|join|update|into)\s+({names})\b", re.IGNORECASE)
    statements = dict(db_statements())
    fragments = [
        f"{info.name}.{name}"
        for info in pkgutil.iter_modules(db.__path__)
        for name, value in vars(importlib.import_module(f"db.{info.name}")).items()
        if isinstance(value, str) and name.isupper() and f"{info.name}.{name}" not in statements
        and mentions.search(value)
    ]

    assert sorted(fragments) == sorted(distribution.TEMPLATES)


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("select * from benefits where kind = $1", ["benefits (benefits) read or written without naming the person"]),
        ("select * from benefits where person_id = $1 or kind = $2",
         ["benefits (benefits) read or written without naming the person"]),
        ("select * from benefits b join medical_visits v on v.facility_id = b.paying_agency_id where b.person_id = $1",
         ["medical_visits (v) read or written without naming the person"]),
        ("update sessions set revoked_at = now() where family_id = $1",
         ["sessions (sessions) read or written without naming the person"]),
        ("delete from devices where token = $1", ["devices (devices) read or written without naming the person"]),
        ("insert into benefits (kind, amount) values ($1, $2)", ["insert into benefits without person_id"]),
        ("select * from people p where p.id = (select person_id from accounts limit 1)",
         ["people (p) read or written without naming the person", "accounts (accounts) read or written without "
          "naming the person"]),
        ("select * from medical_visits where person_id = $1", []),
        ("select * from medical_visits where person_id = any($1::bigint[]) and admitted_at > $2", []),
        ("select * from benefits b join people p on p.id = b.person_id where b.person_id = $1", []),
        ("with x as (select 1) update sessions set revoked_at = now() where person_id = $1 and family_id = $2", []),
        ("select * from provinces where code = $1", []),
        ("select id from sessions where refresh_token_hash = any($1::bytea[]) for update",
         ["sessions (sessions) read or written without naming the person"]),
        ("select id from sessions where person_id = $1 and refresh_token_hash = any($2::bytea[]) for update", []),
    ],
)
def test_a_statement_on_personal_rows_must_name_the_person(sql: str, found: list[str]) -> None:
    assert statement_violations(sql, distribution.PERSONAL) == found


async def test_the_yearly_partitions_are_read_as_their_table(fresh_dsn: str) -> None:
    # Eleven partitions of medical_visits are tables in pg_class too; they are classified with their parent.
    async with connection(fresh_dsn) as conn:
        partitions = await conn.fetchval(
            "select count(*) from pg_inherits where inhparent = 'medical_visits'::regclass"
        )

    assert partitions >= 11
    assert await _violations(fresh_dsn) == []
