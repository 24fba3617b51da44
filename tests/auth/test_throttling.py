"""Login throttling takes its row locks in one order, so concurrent logins of one account cannot deadlock."""

from __future__ import annotations

import asyncio

import asyncpg

from auth import throttling

CODE = "0190000001"
ADDRESS = "203.0.113.9"
PAIR_KEY = f"login:pair:{CODE}:{ADDRESS}"
ADDRESS_KEY = f"login:address:{ADDRESS}"  # first of the three keys in sorted order


async def test_taking_an_attempt_back_locks_the_counters_in_sorted_order(
    db: asyncpg.Connection, db_dsn: str
) -> None:
    # Seen under two workers (bench/soak.py): a right password taking its attempt back locked the pair counter first
    # while another login of the same account, which locks in key order, held the address and code counters and
    # waited for the pair: a deadlock. Hold the first key in order, and the taking back must wait before the pair.
    async with db.transaction():
        await throttling.reserve_attempt(db, CODE, ADDRESS)
    holder, forgiver, probe = [await asyncpg.connect(db_dsn) for _ in range(3)]
    try:
        holding = holder.transaction()
        await holding.start()
        await holder.execute("select 1 from throttle_counters where key = $1 for update", ADDRESS_KEY)

        async def take_back() -> None:
            async with forgiver.transaction():
                await throttling.forgive_attempt(forgiver, CODE, ADDRESS)

        task = asyncio.create_task(take_back())
        await asyncio.sleep(0.3)
        assert not task.done()  # waiting for the address counter
        async with probe.transaction():  # ... and holding nothing after it in order
            await probe.execute("select 1 from throttle_counters where key = $1 for update nowait", PAIR_KEY)
        await holding.rollback()
        await asyncio.wait_for(task, 5)
        assert await db.fetchval("select count(*) from throttle_counters where key = $1", PAIR_KEY) == 0
    finally:
        for conn in (holder, forgiver, probe):
            await conn.close()


async def test_withdrawing_a_shed_attempt_leaves_no_count(db: asyncpg.Connection) -> None:
    async with db.transaction():
        allowed, _ = await throttling.reserve_attempt(db, CODE, ADDRESS)
    assert allowed
    async with db.transaction():
        await throttling.withdraw_attempt(db, CODE, ADDRESS)
    counts = [r["count"] for r in await db.fetch("select count from throttle_counters where key like 'login:%'")]
    assert counts == [0, 0, 0]

