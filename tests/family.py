"""Test data of the family: guardianships, grants in every state, and a child's age on a given day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

VN = dt.timezone(dt.timedelta(hours=7))
ALL_PARTS = ("CARD", "CONTRIBUTIONS", "BENEFITS", "VISITS")
# A grant's state as rows: (valid from, valid until, accepted, revoked), relative to now.
_HOUR = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)
GRANT_SHAPES: dict[str, tuple[dt.timedelta, dt.timedelta, dt.timedelta | None, dt.timedelta | None]] = {
    "PENDING": (-_HOUR, 30 * _DAY, None, None),
    "LIVE": (-2 * _DAY, 30 * _DAY, -_DAY, None),
    "EXPIRED": (-10 * _DAY, -_HOUR, -9 * _DAY, None),
    "REVOKED": (-2 * _DAY, 30 * _DAY, -_DAY, -_HOUR),
}


def today_in_vietnam() -> dt.date:
    return dt.datetime.now(VN).date()


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


async def set_birth(db: asyncpg.Connection, person_id: int, born: dt.date) -> None:
    await db.execute("update people set date_of_birth = $2 where id = $1", person_id, born)


async def add_guardianship(db: asyncpg.Connection, guardian_id: int, child_id: int) -> None:
    await db.execute(
        "insert into guardianships (guardian_id, child_id, since) values ($1, $2, date '2015-01-01')",
        guardian_id,
        child_id,
    )


async def add_grant(
    db: asyncpg.Connection, owner_id: int, grantee_id: int, state: str, parts: Sequence[str] = ALL_PARTS
) -> int:
    """A grant from `owner_id` to `grantee_id` (an account holder) in `state` (PENDING, LIVE, EXPIRED, REVOKED)."""
    valid_from, valid_until, accepted, revoked = GRANT_SHAPES[state]
    grant_id: int = await db.fetchval(
        """insert into access_grants (owner_id, grantee_id, parts, valid_from, valid_until, accepted_at, revoked_at,
                                      revoked_by, created_at)
           values ($1, $2, $3::text[], now() + $4::interval, now() + $5::interval, now() + $6::interval,
                   now() + $7::interval, case when $7::interval is null then null else $1::bigint end,
                   now() + $4::interval)
           returning id""",
        owner_id,
        grantee_id,
        list(parts),
        valid_from,
        valid_until,
        accepted,
        revoked,
    )
    return grant_id
