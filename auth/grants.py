"""The rules of access grants (ủy quyền xem dữ liệu): give, accept, revoke. Each raises a Refusal before writing
anything, and writes the grant and its audit event in the caller's one transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import asyncpg

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import text
from db import audit, throttle
from db import family as sql
from db.readable import PARTS

CODE = re.compile(r"^[0-9]{10}$")
# The longest a grant may run, from when it is given.
MAX_GRANT_YEARS = 5
# Each look-up of a grantee tells whether a code has an account: a person may try this many a day.
GRANTEE_LOOKUPS_PER_DAY = 20
DAY_SECONDS = 86_400


# Why a grant no longer takes an accept or a revoke, by its state (db/family.py).
CLOSED = {"LIVE": TextId.GRANT_IS_LIVE, "REVOKED": TextId.GRANT_IS_REVOKED, "EXPIRED": TextId.GRANT_IS_EXPIRED}


def _years_later(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def checked_grant(
    code: str, parts: Sequence[str], valid_until: dt.datetime, now: dt.datetime
) -> tuple[str, list[str]]:
    """The grantee's code and the parts (deduplicated, in a stable order), or the refusal of bad input."""
    code = "".join(code.split())
    if not CODE.match(code):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.GRANTEE_CODE_FORMAT), "granteeSocialInsuranceCode")
    chosen = [part for part in PARTS if part in set(parts)]
    if not chosen or len(chosen) != len(set(parts)):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.GRANT_PARTS, parts=', '.join(PARTS)), "parts")
    if valid_until.tzinfo is None:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.GRANT_VALID_UNTIL_OFFSET), "validUntil")
    if valid_until <= now:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.GRANT_VALID_UNTIL_PAST), "validUntil")
    if valid_until > _years_later(now, MAX_GRANT_YEARS):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.GRANT_TOO_LONG, years=MAX_GRANT_YEARS), "validUntil")
    return code, chosen


async def grant_access(
    conn: asyncpg.Connection,
    owner_id: int,
    *,
    code: str,
    parts: Sequence[str],
    valid_until: dt.datetime,
    client_address: str | None,
) -> int:
    """A pending grant from `owner_id` (always the viewer: nobody grants on another's behalf) to the account
    holder with `code`; its id."""
    now = dt.datetime.now(dt.UTC)
    code, chosen = checked_grant(code, parts, valid_until, now)
    # Counted before the look-up, and kept when the look-up refuses (run_mutation commits it): no enumeration.
    window = await throttle.hit(conn, f"grant-lookup:{owner_id}", DAY_SECONDS)
    if window.count > GRANTEE_LOOKUPS_PER_DAY:
        raise Refusal(ErrorCode.RATE_LIMITED, text(TextId.GRANTS_TOO_MANY_TODAY), "granteeSocialInsuranceCode",
                      retry_at=window.resets_at)
    grantee = await sql.grantee_id(conn, code)
    if grantee is None:
        # Unknown and without an account read the same: the code look-up rules say who may learn who exists.
        raise Refusal(
            ErrorCode.GRANTEE_UNAVAILABLE, text(TextId.GRANTEE_UNAVAILABLE),
            "granteeSocialInsuranceCode",
        )
    if grantee == owner_id:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.GRANT_TO_SELF), "granteeSocialInsuranceCode")
    grant_id = await sql.insert_grant(conn, owner_id=owner_id, grantee_id=grantee, parts=chosen,
                                      valid_until=valid_until)
    await audit.record_citizen_event(
        conn, "access_granted", owner_id, client_address, {"grant": grant_id, "grantee": grantee, "parts": chosen}
    )
    return grant_id


async def _grant_of_party(conn: asyncpg.Connection, grant_id: int, viewer_id: int) -> asyncpg.Record:
    row = await sql.lock_grant(conn, grant_id)
    if row is None or viewer_id not in (row["owner_id"], row["grantee_id"]):
        # Another pair's grant reads like one that does not exist.
        raise Refusal(ErrorCode.NOT_FOUND, text(TextId.GRANT_NOT_FOUND), "id")
    return row


async def accept_grant(conn: asyncpg.Connection, viewer_id: int, grant_id: int, client_address: str | None) -> int:
    """The grantee accepts a pending grant: from the next request on they read its parts."""
    row = await _grant_of_party(conn, grant_id, viewer_id)
    if row["grantee_id"] != viewer_id:
        raise Refusal(ErrorCode.FORBIDDEN, text(TextId.GRANT_ONLY_GRANTEE_ACCEPTS), "id")
    if row["state"] != "PENDING":
        raise Refusal(ErrorCode.GRANT_CLOSED, text(CLOSED[row["state"]]), "id")
    await sql.accept_grant(conn, grant_id)
    await audit.record_citizen_event(conn, "access_grant_accepted", viewer_id, client_address, {"grant": grant_id})
    return grant_id


async def revoke_grant(conn: asyncpg.Connection, viewer_id: int, grant_id: int, client_address: str | None) -> int:
    """The owner revokes, or the grantee declines (pending) or leaves (live): the very next request reads nothing
    under it."""
    row = await _grant_of_party(conn, grant_id, viewer_id)
    if row["state"] in ("REVOKED", "EXPIRED"):
        raise Refusal(ErrorCode.GRANT_CLOSED, text(CLOSED[row["state"]]), "id")
    await sql.revoke_grant(conn, grant_id, viewer_id)
    await audit.record_citizen_event(conn, "access_grant_revoked", viewer_id, client_address, {"grant": grant_id})
    return grant_id
