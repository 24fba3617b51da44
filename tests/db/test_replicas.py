"""The replica set's bookkeeping: WAL positions, the rotation, and the writes a client's next reads must see."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from core.settings import load_settings
from db.pool import Database
from db.replicas import UNKNOWN, Replica, ReplicaSet, ReplicaState, lsn

SETTINGS = load_settings({"VSSID_REPLICA_MAX_LAG_MS": "5000", "VSSID_REPLICA_WAIT_MS": "0"})


def replica_set(*states: ReplicaState, primary: Database | None = None) -> ReplicaSet:
    unused = Database(None, 1.0)  # never acquired by these tests
    replicas = [Replica(f"replica{n}", f"host{n}/db", unused, state=state) for n, state in enumerate(states, 1)]
    return ReplicaSet(primary or unused, replicas, SETTINGS)


@pytest.mark.parametrize(
    ("text", "value"), [("0/0", 0), ("0/3000060", 0x3000060), ("16/B374D848", (0x16 << 32) | 0xB374D848), (None, 0)]
)
def test_a_wal_position_reads_as_a_number(text: str | None, value: int) -> None:
    assert lsn(text) == value


def test_reads_go_round_robin_over_the_replicas_in_rotation_only() -> None:
    replicas = replica_set(ReplicaState.HEALTHY, ReplicaState.LAGGING, ReplicaState.HEALTHY, ReplicaState.DOWN)

    chosen = [replicas.choose() for _ in range(4)]

    assert [r.name if r else None for r in chosen] == ["replica1", "replica3", "replica1", "replica3"]


def test_no_replica_in_rotation_means_the_primary() -> None:
    replicas = replica_set(ReplicaState.DOWN, ReplicaState.NOT_STANDBY, ReplicaState.STARTING)

    assert replicas.choose() is None


def test_a_replica_is_chosen_for_a_write_only_once_it_has_replayed_it() -> None:
    replicas = replica_set(ReplicaState.HEALTHY, ReplicaState.HEALTHY)
    replicas.replicas[0].replay_lsn, replicas.replicas[1].replay_lsn = 100, 200

    assert [replicas.choose(150).name for _ in range(2)] == ["replica2", "replica2"]  # type: ignore[union-attr]
    assert replicas.choose(300) is None


async def test_after_a_write_the_writer_reads_where_it_was_replayed_and_others_anywhere(pool: asyncpg.Pool) -> None:
    replicas = replica_set(ReplicaState.HEALTHY, primary=Database(pool))
    async with pool.acquire() as conn:
        before = lsn(await conn.fetchval("select pg_current_wal_insert_lsn()::text"))

    await replicas.note_write("credential:a")

    assert replicas.needed("credential:a") >= before > 0
    assert replicas.needed("credential:b") == 0
    # a replica that has not replayed it is not used for the writer (no wait allowed here: the primary answers)
    replicas.replicas[0].replay_lsn = before - 1
    assert await replicas.for_reads("credential:a") is None
    assert await replicas.for_reads("credential:b") is replicas.replicas[0]
    assert await replicas.for_reads(None) is replicas.replicas[0]


async def test_a_write_whose_position_is_unknown_sends_the_writer_to_the_primary(db_dsn: str) -> None:
    # given a primary that cannot be asked (its pool is closed)
    closed = await asyncpg.create_pool(db_dsn, min_size=0, max_size=1)
    await closed.close()
    replicas = replica_set(ReplicaState.HEALTHY, primary=Database(closed))
    replicas.replicas[0].replay_lsn = 1 << 60

    await replicas.note_write("credential:a")

    assert replicas.needed("credential:a") == UNKNOWN
    assert await replicas.for_reads("credential:a") is None


def test_of_two_writes_the_furthest_is_kept_and_an_unknown_one_wins() -> None:
    replicas = replica_set(ReplicaState.HEALTHY)

    replicas._remember("credential:a", 500)
    replicas._remember("credential:a", 300)  # another process's earlier write, notified late
    assert replicas.needed("credential:a") == 500
    replicas._remember("credential:a", UNKNOWN)
    replicas._remember("credential:a", 900)
    assert replicas.needed("credential:a") == UNKNOWN


def test_a_write_is_forgotten_once_its_window_is_over() -> None:
    replicas = replica_set(ReplicaState.HEALTHY)
    replicas._writes["credential:a"] = (500, 0.0)  # remembered until a moment long past

    assert replicas.needed("credential:a") == 0
    assert "credential:a" not in replicas._writes


def test_lag_is_how_long_ago_the_primary_first_held_what_the_replica_lacks() -> None:
    replicas = replica_set(ReplicaState.HEALTHY)
    replicas._positions.extend([(10.0, 100), (10.5, 100), (11.0, 180), (11.5, 250)])

    assert replicas._behind(250, now=12.0) == 0.0
    assert replicas._behind(180, now=12.0) == pytest.approx(0.5)
    assert replicas._behind(100, now=12.0) == pytest.approx(1.0)
    assert replicas._behind(50, now=12.0) == pytest.approx(2.0)


def test_nothing_in_the_service_can_promote_a_standby() -> None:
    # Failing over is the platform's decision: no code of the service promotes (SQL or pg_ctl).
    root = Path(__file__).resolve().parents[2]
    sources = [p for p in root.rglob("*.py") if not {"tests", ".venv", ".bench"} & set(p.relative_to(root).parts)]
    assert len(sources) > 100
    found = [str(p) for p in sources if any(word in p.read_text(encoding="utf-8").lower()
                                            for word in ("pg_promote", "promote_trigger", '"promote"'))]
    assert found == []


async def test_a_replica_whose_connections_are_all_busy_stays_in_rotation(db_dsn: str) -> None:
    # given a "replica" (here the primary itself) whose one pooled connection is busy serving
    pool = await asyncpg.create_pool(db_dsn, min_size=1, max_size=1)
    try:
        replicas = replica_set(ReplicaState.HEALTHY)
        replica = replicas.replicas[0]
        replica.database = Database(pool, acquire_timeout=0.05)
        async with pool.acquire():
            # when the monitor cannot get a connection in time, it is loaded, not down
            await replicas._check(replica, None, now=0.0)
            assert replica.state is ReplicaState.HEALTHY

        # and once it answers, the server is seen for what it is: not a standby, out of rotation
        await replicas._check(replica, None, now=0.0)
        assert replica.report()["state"] == "not_standby"
    finally:
        await pool.close()
