"""The inbox producers: one message per subject and period, however often and however many processes run them;
the rules for arrears (M4), cards (30 days) and passwords (6 months, 14 days) at their boundaries; opt-outs."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg

from core.settings import Settings
from db import inbox_producers as produce
from jobs import inbox as texts
from jobs.inbox import produce_all
from seed.demo import AN, BINH, GIANG
from tests.databases import connection
from tests.factories import VN, add_access, add_card, add_period, make_account, make_officer

NOON = dt.time(12, 0, tzinfo=VN)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOON)


async def messages(db: asyncpg.Connection, person_id: int) -> list[asyncpg.Record]:
    found: list[asyncpg.Record] = await db.fetch(
        "select kind, subject_key, period, title, body, link_kind from inbox_messages where person_id = $1 order by id",
        person_id,
    )
    return found


async def test_arrears_count_past_due_months_only(db: asyncpg.Connection, settings: Settings) -> None:
    person = await make_account(db, None)
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-01", "2026-08")
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-09", "2026-12", status="UNPAID")

    await produce_all(db, settings, at(dt.date(2026, 12, 31)))

    [message] = await messages(db, person.id)
    # September to November are past due; December, the current month, is not yet (M4).
    assert message["kind"] == "CONTRIBUTION_ARREARS" and message["period"] == "2026-11"
    assert "3 tháng (từ 09/2026 đến 11/2026)" in message["body"] and message["link_kind"] == "EMPLOYER"


async def test_a_further_past_due_month_makes_a_new_message_and_nothing_else_does(
    db: asyncpg.Connection, settings: Settings
) -> None:
    person = await make_account(db, None)
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-10", "2026-12", status="UNPAID")

    await produce_all(db, settings, at(dt.date(2026, 11, 1)))  # October past due
    await produce_all(db, settings, at(dt.date(2026, 11, 30)))  # the same
    await produce_all(db, settings, at(dt.date(2026, 12, 1)))  # November too

    assert [m["period"] for m in await messages(db, person.id)] == ["2026-10", "2026-11"]


async def test_only_the_current_month_unpaid_is_not_yet_arrears(db: asyncpg.Connection, settings: Settings) -> None:
    person = await make_account(db, None)
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-12", "2026-12", status="UNPAID")
    # a month paid by another period of the same scheme is not owed either
    await add_period(db, person.id, "BHTN", "2026-10", "2026-10", status="UNPAID")
    await add_period(db, person.id, "BHTN", "2026-10", "2026-10")

    await produce_all(db, settings, at(dt.date(2026, 12, 31)))

    assert await messages(db, person.id) == []


async def test_a_card_ending_within_30_days_is_announced_once(db: asyncpg.Connection, settings: Settings) -> None:
    today = dt.date(2026, 12, 1)
    ends_in_30 = await make_account(db, None)
    ends_in_31 = await make_account(db, None)
    ended = await make_account(db, None)
    renewed = await make_account(db, None)
    await add_card(db, ends_in_30, valid_from=dt.date(2026, 1, 1), valid_to=today + dt.timedelta(days=30))
    await add_card(db, ends_in_31, valid_from=dt.date(2026, 1, 1), valid_to=today + dt.timedelta(days=31))
    await add_card(db, ended, valid_from=dt.date(2026, 1, 1), valid_to=today - dt.timedelta(days=1))
    await add_card(db, renewed, valid_from=dt.date(2026, 1, 1), valid_to=today + dt.timedelta(days=10))
    await add_card(db, renewed, valid_from=today + dt.timedelta(days=11), valid_to=dt.date(2027, 12, 31))

    await produce_all(db, settings, at(today))
    await produce_all(db, settings, at(today) + dt.timedelta(hours=5))

    [message] = await messages(db, ends_in_30.id)
    assert message["kind"] == "CARD_EXPIRING"
    assert message["body"].startswith("Thẻ BHYT của bạn sẽ hết hạn vào ngày 31/12/2026")
    for person in (ends_in_31, ended, renewed):
        assert await messages(db, person.id) == []


async def test_a_password_reaching_six_months_within_14_days_is_announced_once(
    db: asyncpg.Connection, settings: Settings
) -> None:
    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    max_age = dt.timedelta(days=settings.password_max_age_days)
    inside, outside, expired, temporary = [await make_account(db, None) for _ in range(4)]
    changed = {
        inside.id: now + dt.timedelta(days=14) - max_age - dt.timedelta(minutes=1),
        outside.id: now + dt.timedelta(days=14) - max_age + dt.timedelta(minutes=1),
        expired.id: now - max_age - dt.timedelta(minutes=1),
        temporary.id: now + dt.timedelta(days=7) - max_age,
    }
    for person_id, changed_at in changed.items():
        await db.execute("update accounts set password_changed_at = $2 where person_id = $1", person_id, changed_at)
    await db.execute("update accounts set must_change_password = true where person_id = $1", temporary.id)

    await produce_all(db, settings, now)
    await produce_all(db, settings, now + dt.timedelta(seconds=30))

    [message] = await messages(db, inside.id)
    assert message["kind"] == "PASSWORD_EXPIRING" and "18/12/2026" in message["body"]
    for person in (outside, expired, temporary):
        assert await messages(db, person.id) == []


async def test_a_new_password_starts_a_new_period(db: asyncpg.Connection, settings: Settings) -> None:
    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    person = await make_account(db, None)
    max_age = dt.timedelta(days=settings.password_max_age_days)
    await db.execute("update accounts set password_changed_at = $2 where person_id = $1", person.id, now - max_age
                     + dt.timedelta(days=3))
    await produce_all(db, settings, now)
    await db.execute("update accounts set password_changed_at = $2 where person_id = $1", person.id,
                     now - max_age + dt.timedelta(days=5))
    await produce_all(db, settings, now)

    assert len(await messages(db, person.id)) == 2


async def test_access_by_a_partner_or_officer_is_announced_unless_turned_off(
    db: asyncpg.Connection, settings: Settings
) -> None:
    person, opted_out = await make_account(db, None), await make_account(db, None)
    officer = await make_officer(db)
    now = dt.datetime.now(dt.UTC)
    await db.execute("insert into inbox_opt_outs (person_id, kind) values ($1, 'PARTNER_ACCESS')", opted_out.id)
    for someone in (person, opted_out):
        await add_access(db, someone.id, now, actor="Bệnh viện Thử")
    await db.execute(
        """insert into access_log (person_id, actor_kind, actor_name, actor_ref, purpose, data_categories)
           values ($1, 'AGENCY_OFFICER', 'Cán bộ BHXH', $2, 'Xét duyệt hồ sơ', array['IDENTITY']),
                  ($1, 'SYSTEM', 'Hệ thống', null, 'Đối soát', array['CARD'])""",
        person.id, str(officer.id),
    )

    await produce_all(db, settings)
    await produce_all(db, settings)

    found = await messages(db, person.id)
    assert sorted(m["kind"] for m in found) == ["OFFICER_ACCESS", "PARTNER_ACCESS"]
    partner = next(m for m in found if m["kind"] == "PARTNER_ACCESS")
    assert partner["body"].startswith("Bệnh viện Thử đã xem thông tin của bạn lúc ")
    assert await messages(db, opted_out.id) == []


async def test_a_registration_decision_is_announced_once(db: asyncpg.Connection, settings: Settings) -> None:
    person = await make_account(db, None)
    agency = await db.fetchval("select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1")
    await db.execute(
        """insert into registrations (person_id, agency_id, phone, status, decided_at, rejection_reason)
           values ($1, $2, '0912345678', 'REJECTED', now(), 'Ảnh CCCD không rõ'),
                  ($1, $2, '0912345678', 'PENDING', null, null)""",
        person.id, agency,
    )

    await produce_all(db, settings)
    await produce_all(db, settings)

    [message] = await messages(db, person.id)
    assert message["kind"] == "REGISTRATION_DECISION" and "Lý do: Ảnh CCCD không rõ." in message["body"]


async def test_producers_run_at_once_in_two_processes_write_each_message_once(
    db: asyncpg.Connection, db_dsn: str, settings: Settings
) -> None:
    person = await make_account(db, None)
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-09", "2026-12", status="UNPAID")
    await add_access(db, person.id, dt.datetime.now(dt.UTC))
    today = dt.date(2026, 12, 4)

    async def bare(conn: asyncpg.Connection) -> int:
        # without the advisory lock: the unique key alone must keep each message single
        now = dt.datetime.now(dt.UTC)
        return (await produce.arrears(conn, today, texts.ARREARS)
                + await produce.access_notices(conn, now, texts.PARTNER_ACCESS, texts.OFFICER_ACCESS))

    async with connection(db_dsn) as one, connection(db_dsn) as two:
        first_run = one.transaction()
        await first_run.start()
        first = await bare(one)
        # the second process meets the first one's uncommitted messages and waits for its outcome
        second_run = asyncio.create_task(bare(two))
        await asyncio.sleep(0.5)
        assert not second_run.done()
        await first_run.commit()
        second = await second_run
        reports = await asyncio.gather(produce_all(one, settings, at(today)), produce_all(two, settings, at(today)))

    assert first >= 2 and second == 0
    assert sorted(m["kind"] for m in await messages(db, person.id)) == ["CONTRIBUTION_ARREARS", "PARTNER_ACCESS"]
    # run again together (one may skip for the other's lock): nothing of what exists is written again
    assert all(r is None or r.arrears == r.accesses == 0 for r in reports)


async def test_each_new_message_queues_a_push_per_device(db: asyncpg.Connection, settings: Settings) -> None:
    person = await make_account(db, None)
    await db.execute(
        "insert into devices (person_id, platform, token) values ($1, 'ANDROID', $2), ($1, 'IOS', $3)",
        person.id, "fcm-token-" + "x" * 20, "a" * 64,
    )
    await add_period(db, person.id, "BHXH_COMPULSORY", "2026-09", "2026-12", status="UNPAID")

    await produce_all(db, settings, at(dt.date(2026, 12, 4)))
    await produce_all(db, settings, at(dt.date(2026, 12, 4)))

    queued = await db.fetch(
        "select channel, recipient, subject from notification_outbox where person_id = $1 order by recipient",
        person.id,
    )
    assert [(q["channel"], q["recipient"].split(":")[0]) for q in queued] == [("PUSH", "ANDROID"), ("PUSH", "IOS")]
    assert all(q["subject"] == texts.ARREARS.title for q in queued)


async def test_the_demo_citizens_find_messages_in_their_inbox(db: asyncpg.Connection, settings: Settings) -> None:
    await produce_all(db, settings)

    for demo in (AN, BINH, GIANG):
        person_id = await db.fetchval("select id from people where social_insurance_code = $1",
                                      demo.social_insurance_code)
        kinds = {m["kind"] for m in await messages(db, person_id)}
        assert "CONTRIBUTION_ARREARS" in kinds, demo.full_name
