-- What the person can read about reads of their data, what operators audit, and what must be sent.

-- Nhật ký truy cập: every read of a person's data by someone other than that person.
create table access_log (
    id bigint generated always as identity primary key,
    person_id bigint not null references people (id),
    at timestamptz not null default now(),
    actor_kind text not null check (actor_kind in ('AGENCY_OFFICER', 'PARTNER', 'SYSTEM')),
    actor_name text not null,
    actor_ref text,
    purpose text not null,
    data_categories text[] not null check (cardinality(data_categories) > 0)
);
create index access_log_person_idx on access_log (person_id, at desc, id desc);

-- Security events: logins, failures, password changes, decisions, key use.
create table audit_events (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    event text not null,
    actor_kind text not null check (actor_kind in ('ANONYMOUS', 'CITIZEN', 'AGENCY_OFFICER', 'PARTNER', 'OPERATOR', 'SYSTEM')),
    actor_ref text,
    person_id bigint references people (id),
    client_address inet,
    details jsonb not null default '{}'
);
create index audit_events_person_idx on audit_events (person_id, at desc);
create index audit_events_at_idx on audit_events (at desc);

-- Counters shared by every service process: login throttling and request rate limits.
create table throttle_counters (
    key text primary key,
    count integer not null default 0,
    window_started_at timestamptz not null default now(),
    blocked_until timestamptz
);

-- Written in the same transaction as the change that causes a message; a dispatcher delivers it.
create table notification_outbox (
    id bigint generated always as identity primary key,
    dedupe_key text not null unique,
    person_id bigint references people (id),
    channel text not null check (channel in ('SMS', 'EMAIL')),
    recipient text not null,
    subject text,
    body text not null,
    created_at timestamptz not null default now(),
    available_at timestamptz not null default now(),
    attempts integer not null default 0,
    delivered_at timestamptz,
    last_error text
);
create index notification_outbox_pending_idx on notification_outbox (available_at, id) where delivered_at is null;
create index notification_outbox_person_idx on notification_outbox (person_id, created_at desc);

-- What the loaded data set is (seed value, size, whether demo accounts exist).
create table dataset_info (
    key text primary key,
    value jsonb not null
);
