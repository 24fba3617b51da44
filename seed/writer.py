"""COPY into the tables in foreign-key order, with ids assigned here rather than by the identity sequences.

The bulk tables (people and their records) are written as COPY text lines formatted where the row is drawn:
asyncpg's binary codecs for numeric, date and timestamptz cost more per row than an f-string, and text
parsing happens in the server process, on the other core. Their values are generated, never free text: none
contains a tab, newline or backslash, so they need no escaping. Small tables with awkward types (bytea,
arrays, free-text FAQ answers) go through asyncpg's binary COPY of Python records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

# Insertion order is flush order: a table comes after every table it references.
COLUMNS: dict[str, tuple[str, ...]] = {
    "facilities": ("id", "code", "kind", "level", "name", "address", "phone", "province_code", "ward_code", "latitude",
                   "longitude", "bhyt_contracted", "accepts_initial_registration", "issues_sick_leave_certificates",
                   "updated_at"),
    "employers": ("id", "code", "name", "tax_code", "address", "province_code", "agency_id", "status"),
    "people": ("id", "social_insurance_code", "national_id", "full_name", "date_of_birth", "gender", "phone", "email",
               "address", "province_code", "ward_code", "managing_agency_id", "created_at"),
    "insurance_cards": ("id", "person_id", "card_number", "group_code", "benefit_level", "coverage_percent",
                        "province_code", "valid_from", "valid_to", "primary_facility_id", "five_years_continuous_from",
                        "residence_area", "issuing_agency_id", "previous_card_number", "issued_at"),
    "contribution_periods": ("id", "person_id", "scheme", "employer_id", "job_title", "from_month", "to_month",
                             "salary_basis", "status"),
    "benefits": ("id", "person_id", "kind", "decision_number", "period_from", "period_to", "days", "amount", "paid_on",
                 "paying_agency_id"),
    "pensions": ("person_id", "decision_number", "start_month", "months_counted", "replacement_rate", "average_salary",
                 "initial_monthly_amount", "paying_agency_id"),
    "medical_visits": ("id", "person_id", "facility_id", "visit_type", "admitted_at", "discharged_at",
                       "primary_diagnosis_code", "total_cost", "insurance_paid", "patient_paid"),
    "faqs": ("id", "question", "answer", "category", "position", "keywords"),
    "news": ("id", "title", "summary", "kind", "published_at", "url"),
    "accounts": ("person_id", "password_hash", "status", "must_change_password", "password_changed_at", "created_at"),
    "agency_officers": ("person_id", "agency_id", "created_at"),
    "partners": ("id", "name", "created_at"),
    "api_keys": ("id", "partner_id", "prefix", "key_hash", "scopes", "created_at"),
    "guardianships": ("guardian_id", "child_id", "since"),
    "access_grants": ("id", "owner_id", "grantee_id", "parts", "valid_from", "valid_until", "accepted_at",
                      "created_at"),
    "facility_change_rules": ("effective_from", "window_days", "levels", "same_province"),
}
IDENTITY_TABLES = tuple(table for table, columns in COLUMNS.items() if columns[0] == "id")
RESET_SEQUENCE = "select setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) from {table}"
NULL = "\\N"  # COPY text format's null
SEND_BYTES = 1 << 20


@dataclass
class Batch:
    """Rows queued for one round of COPY: text lines for bulk tables, records for the small ones."""

    lines: dict[str, list[str]] = field(default_factory=lambda: {table: [] for table in COLUMNS})
    records: dict[str, list[tuple[object, ...]]] = field(default_factory=lambda: {table: [] for table in COLUMNS})

    def size(self) -> int:
        return sum(map(len, self.lines.values())) + sum(map(len, self.records.values()))


async def _chunks(lines: list[str]) -> AsyncIterator[bytes]:
    payload = "".join(lines).encode()
    for start in range(0, len(payload), SEND_BYTES):
        yield payload[start : start + SEND_BYTES]


class Sink:
    """Hands out ids per table and collects rows into batches; `write` COPYs one batch."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._last_id: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.batch = Batch()
        self.written: Counter[str] = Counter()

    def next_id(self, table: str, count: int = 1) -> int:
        """The first of `count` fresh ids for `table`."""
        first = self._last_id[table] + 1
        self._last_id[table] += count
        return first

    def peek_id(self, table: str) -> int:
        """The id the next row of `table` will get."""
        return self._last_id[table] + 1

    def add_lines(self, table: str, lines: list[str]) -> None:
        self.batch.lines[table].extend(lines)

    def add_records(self, table: str, records: list[tuple[object, ...]]) -> None:
        self.batch.records[table].extend(records)

    def take_batch(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        return batch

    async def write(self, batch: Batch) -> None:
        for table, columns in COLUMNS.items():
            if records := batch.records[table]:
                await self._conn.copy_records_to_table(table, records=records, columns=columns)
                self.written[table] += len(records)
            if lines := batch.lines[table]:
                await self._conn.copy_to_table(table, source=_chunks(lines), columns=columns)
                self.written[table] += len(lines)

    async def finish(self) -> None:
        """Write what is queued, then move every identity sequence past the ids written here."""
        await self.write(self.take_batch())
        for table in IDENTITY_TABLES:
            await self._conn.execute(RESET_SEQUENCE.format(table=table))
