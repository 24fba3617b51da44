"""Login throttling that an attacker cannot turn into a permanent lock-out of the owner.

Failures are counted atomically in the database (db/throttle.py) under three keys. Each key grants some free
failures, then blocks for a window that doubles with every further failure, up to a cap; nothing locks for good.
- code + client address: 5 free. An attacker elsewhere does not slow the owner down.
- code alone: 20 free, for guesses spread over many addresses.
- client address alone: 100 free (many phones share one carrier-grade NAT address), for one address trying many codes.
The keys use the code as typed, whether or not an account exists, so a block says nothing about existence.

Each attempt is counted *before* its password is checked, under row locks: parallel attempts queue on the
counters, so a burst cannot get more guesses than the allowance. A right password then takes its count back.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from db import throttle
from db.throttle import Backoff

DAY_SECONDS = 86_400
MAX_BLOCK_SECONDS = 15 * 60
PAIR = Backoff(free=5, base_seconds=30, max_seconds=MAX_BLOCK_SECONDS, window_seconds=DAY_SECONDS)
ACCOUNT = Backoff(free=20, base_seconds=30, max_seconds=MAX_BLOCK_SECONDS, window_seconds=DAY_SECONDS)
ADDRESS = Backoff(free=100, base_seconds=30, max_seconds=MAX_BLOCK_SECONDS, window_seconds=DAY_SECONDS)


def _keys(code: str, address: str | None, kind: str = "login") -> list[tuple[str, Backoff]]:
    """The counters of an attempt of `kind`: "login" (a password) or "reset" (a password-reset code)."""
    return [
        (f"{kind}:pair:{code}:{address}", PAIR),
        (f"{kind}:code:{code}", ACCOUNT),
        (f"{kind}:address:{address}", ADDRESS),
    ]


async def reserve_attempt(
    conn: asyncpg.Connection, code: str, address: str | None, kind: str = "login"
) -> tuple[bool, dt.datetime | None]:
    """Inside a transaction: (allowed, blocked until). An allowed attempt is counted as a failure until forgiven."""
    keys = _keys(code, address, kind)
    blocked = await throttle.lock_keys(conn, [key for key, _ in keys])
    if blocked is not None:
        return False, blocked
    blocks = [await throttle.fail(conn, key, backoff) for key, backoff in keys]
    now = dt.datetime.now(dt.UTC)
    return True, max((b for b in blocks if b is not None and b > now), default=None)


async def forgive_attempt(conn: asyncpg.Connection, code: str, address: str | None, kind: str = "login") -> None:
    """The secret was right: the owner's own pair starts afresh, the wider counts take this attempt back."""
    keys = _keys(code, address, kind)
    pair_key = keys[0][0]
    # Touch the counters in key order, as reserve_attempt locks them: another order deadlocks with a concurrent
    # login of the same account or from the same address (seen under bench/soak.py).
    for key, backoff in sorted(keys):
        if key == pair_key:
            await throttle.reset(conn, key)
        else:
            await throttle.forgive(conn, key, backoff)


async def withdraw_attempt(conn: asyncpg.Connection, code: str, address: str | None) -> None:
    """The password was never checked (the service shed the work): the attempt counts against nobody."""
    for key, backoff in sorted(_keys(code, address)):  # key order, as above
        await throttle.forgive(conn, key, backoff)


async def clear_device(conn: asyncpg.Connection, code: str, address: str | None) -> None:
    """After a password reset from this address: its own lock-out ends (the wider counts stay)."""
    await throttle.reset(conn, _keys(code, address)[0][0])


# changePassword checks the current password of a signed-in person: a stolen session must not turn into the password.
PASSWORD_CHECK = Backoff(free=5, base_seconds=30, max_seconds=MAX_BLOCK_SECONDS, window_seconds=DAY_SECONDS)


def _password_check_key(person_id: int) -> str:
    return f"password-check:{person_id}"


async def reserve_password_check(conn: asyncpg.Connection, person_id: int) -> dt.datetime | None:
    """Inside a transaction: the block in force, if any; else the check is counted as a failure until forgiven."""
    key = _password_check_key(person_id)
    blocked = await throttle.lock_keys(conn, [key])
    if blocked is None:
        await throttle.fail(conn, key, PASSWORD_CHECK)
    return blocked


async def forgive_password_check(conn: asyncpg.Connection, person_id: int) -> None:
    """The current password was right: the person's count starts afresh."""
    await throttle.reset(conn, _password_check_key(person_id))
