"""SQL of the inbox producers: each is one set-based `insert ... select ... on conflict do nothing`.

The unique key (person_id, kind, subject_key, period) makes a producer idempotent: run twice, after a restart or in
two processes at once, it writes each message once. Each insert also queues one push notification per device of
the person in the outbox (same statement, same transaction), and the table's trigger NOTIFYs the subscriptions.
Messages go to people with an active account (the app's users), never to a person who opted out of the kind.
Texts are templates for PostgreSQL's `format()` (`%s` placeholders), passed as parameters by jobs/inbox.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import asyncpg

# pg_try_advisory_xact_lock key: "vssid inbox".
LOCK_KEY = 0x7653_4944_4942
# A row committed up to this long after the watermark moved past its time is still read.
WATERMARK_MARGIN = "interval '10 minutes'"
VN_TIME = "'Asia/Ho_Chi_Minh'"


def _producing(insert: str) -> str:
    """The insert, the push notifications of what it wrote, and how many messages it wrote."""
    return f"""
with new as (
{insert}
    on conflict (person_id, kind, subject_key, period) do nothing
    returning id, person_id, title, body
), pushed as (
    insert into notification_outbox (dedupe_key, person_id, channel, recipient, subject, body)
    select 'push:' || n.id || ':' || d.id, n.person_id, 'PUSH', d.platform || ':' || d.token, n.title, n.body
    from new n join devices d on d.person_id = n.person_id
    on conflict (dedupe_key) do nothing
)
select count(*) from new
"""


def _wanted(kind: str, person: str = "person_id") -> str:
    return (
        f"exists (select 1 from accounts acc where acc.person_id = {person} and acc.status = 'ACTIVE')"
        f" and not exists (select 1 from inbox_opt_outs o where o.person_id = {person} and o.kind = {kind})"
    )


# Nợ đóng: months an employer declared and did not pay, once past due (rule M4: the current month, in Vietnam $1,
# is not yet due; every earlier month is). A month that a PAID period of the same scheme also covers is not owed.
# One message per employer and latest owed month: a further owed month makes a new message, nothing else does.
ARREARS = _producing(f"""
    with owed_months as (
        select p.person_id, p.employer_id, m::date as month
        from contribution_periods p,
             generate_series(p.from_month,
                             least(p.to_month, (date_trunc('month', $1::date) - interval '1 month')::date),
                             interval '1 month') as m
        where p.status = 'UNPAID' and p.employer_id is not null and p.from_month < date_trunc('month', $1::date)
          and not exists (
              select 1 from contribution_periods q
              where q.person_id = p.person_id and q.scheme = p.scheme and q.status = 'PAID'
                and m between q.from_month and q.to_month)
    ), owed as (
        select person_id, employer_id, count(distinct month) as months, min(month) as first_month,
               max(month) as last_month
        from owed_months group by person_id, employer_id
    )
    insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
    select o.person_id, 'CONTRIBUTION_ARREARS', o.employer_id::text, to_char(o.last_month, 'YYYY-MM'), $2::text,
           format($3::text, e.name, o.months, to_char(o.first_month, 'MM/YYYY'), to_char(o.last_month, 'MM/YYYY')),
           'EMPLOYER', o.employer_id
    from owed o join employers e on e.id = o.employer_id
    where {_wanted("'CONTRIBUTION_ARREARS'", "o.person_id")}""")

# The card valid today ($1, Vietnam) ends within 30 days and no later card follows it.
CARD_EXPIRING = _producing(f"""
    insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
    select c.person_id, 'CARD_EXPIRING', c.id::text, c.valid_to::text, $2::text,
           format($3::text, to_char(c.valid_to, 'DD/MM/YYYY')), 'CARD', c.id
    from insurance_cards c
    where c.valid_to between $1::date and $1::date + 30 and c.valid_from <= $1::date
      and not exists (select 1 from insurance_cards n where n.person_id = c.person_id and n.valid_to > c.valid_to)
      and {_wanted("'CARD_EXPIRING'", "c.person_id")}""")

# The 6-month rule: the password expires `password_changed_at + $2 days`; warned when that is within 14 days of
# now ($1). A temporary password (must change at first login) has no warning. A new password: a new period.
PASSWORD_EXPIRING = _producing(f"""
    with due as (
        select a.person_id, a.password_changed_at + make_interval(days => $2) as expires_at
        from accounts a
        where a.status = 'ACTIVE' and not a.must_change_password
          and a.password_changed_at + make_interval(days => $2) > $1::timestamptz
          and a.password_changed_at + make_interval(days => $2) <= $1::timestamptz + interval '14 days'
    )
    insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
    select d.person_id, 'PASSWORD_EXPIRING', d.person_id::text,
           to_char(d.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), $3::text,
           format($4::text, to_char(d.expires_at at time zone {VN_TIME}, 'DD/MM/YYYY')), 'ACCOUNT', null
    from due d
    where {_wanted("'PASSWORD_EXPIRING'", "d.person_id")}""")

# Decisions made since the watermark ($1, less the margin): approved ($2, $3) or rejected ($4, $5 with the reason).
# The person has no account before approval, so this one does not ask for an active account.
REGISTRATION_DECISIONS = _producing(f"""
    insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
    select r.person_id, 'REGISTRATION_DECISION', r.id::text, r.status,
           case when r.status = 'APPROVED' then $2::text else $4::text end,
           case when r.status = 'APPROVED' then $3::text else format($5::text, r.rejection_reason) end,
           'REGISTRATION', r.id
    from registrations r
    where r.decided_at is not null and r.decided_at > $1::timestamptz - {WATERMARK_MARGIN}
      and not exists (select 1 from inbox_opt_outs o
                      where o.person_id = r.person_id and o.kind = 'REGISTRATION_DECISION')""")

# Reads by a partner or an agency officer logged since the watermark ($1): one message per entry.
ACCESS_NOTICES = _producing(f"""
    with entries as (
        select a.*, case a.actor_kind when 'PARTNER' then 'PARTNER_ACCESS' else 'OFFICER_ACCESS' end as kind
        from access_log a
        where a.actor_kind in ('PARTNER', 'AGENCY_OFFICER') and a.at > $1::timestamptz - {WATERMARK_MARGIN}
    )
    insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
    select e.person_id, e.kind, e.id::text, '-', case e.kind when 'PARTNER_ACCESS' then $2::text else $3::text end,
           format($4::text, e.actor_name, to_char(e.at at time zone {VN_TIME}, 'HH24:MI DD/MM/YYYY'), e.purpose),
           'ACCESS_LOG', e.id
    from entries e
    where {_wanted("e.kind", "e.person_id")}""")

WATERMARK = "select seen_until from inbox_watermarks where producer = $1"
MOVE_WATERMARK = "update inbox_watermarks set seen_until = greatest(seen_until, $2) where producer = $1"


@dataclass(frozen=True, slots=True)
class Texts:
    """The Vietnamese templates of one kind of message (`format()` placeholders, filled in by the statement)."""

    title: str
    body: str


async def _count(conn: asyncpg.Connection, sql: str, *args: object) -> int:
    count: int = await conn.fetchval(sql, *args)
    return count


async def arrears(conn: asyncpg.Connection, today: dt.date, texts: Texts) -> int:
    return await _count(conn, ARREARS, today, texts.title, texts.body)


async def cards_expiring(conn: asyncpg.Connection, today: dt.date, texts: Texts) -> int:
    return await _count(conn, CARD_EXPIRING, today, texts.title, texts.body)


async def passwords_expiring(conn: asyncpg.Connection, now: dt.datetime, max_age_days: int, texts: Texts) -> int:
    return await _count(conn, PASSWORD_EXPIRING, now, max_age_days, texts.title, texts.body)


async def registration_decisions(
    conn: asyncpg.Connection, now: dt.datetime, approved: Texts, rejected: Texts
) -> int:
    since = await conn.fetchval(WATERMARK, "REGISTRATION_DECISION")
    count = await _count(
        conn, REGISTRATION_DECISIONS, since, approved.title, approved.body, rejected.title, rejected.body
    )
    await conn.execute(MOVE_WATERMARK, "REGISTRATION_DECISION", now)
    return count


async def access_notices(conn: asyncpg.Connection, now: dt.datetime, partner: Texts, officer: Texts) -> int:
    assert partner.body == officer.body, "one body template serves both kinds"
    since = await conn.fetchval(WATERMARK, "ACCESS_LOG")
    count = await _count(conn, ACCESS_NOTICES, since, partner.title, officer.title, partner.body)
    await conn.execute(MOVE_WATERMARK, "ACCESS_LOG", now)
    return count


async def try_lock(conn: asyncpg.Connection) -> bool:
    """In a transaction: whether this process is the one producing now (another holds the lock: skip)."""
    return bool(await conn.fetchval("select pg_try_advisory_xact_lock($1)", LOCK_KEY))
