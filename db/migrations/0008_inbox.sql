-- The citizen's inbox (hộp thư): messages made by the producers (jobs/inbox.py), the person's devices for push,
-- and per-kind opt-outs. Tables are keyed by person first: every read is one person's.

create table inbox_messages (
    person_id bigint not null references people (id),
    id bigint generated always as identity,
    kind text not null check (kind in ('CONTRIBUTION_ARREARS', 'CARD_EXPIRING', 'PASSWORD_EXPIRING',
                                       'REGISTRATION_DECISION', 'PARTNER_ACCESS', 'OFFICER_ACCESS')),
    -- What the message is about (an employer, a card, a registration, an access-log entry) and for which period:
    -- a producer that runs again, or in two processes at once, meets the unique key and writes nothing.
    subject_key text not null,
    period text not null,
    title text not null check (length(title) between 1 and 200),
    body text not null check (length(body) between 1 and 2000),
    link_kind text check (link_kind in ('EMPLOYER', 'CARD', 'REGISTRATION', 'ACCESS_LOG', 'ACCOUNT')),
    link_id bigint,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    primary key (person_id, id),
    unique (person_id, kind, subject_key, period)
);
create index inbox_messages_person_idx on inbox_messages (person_id, created_at desc, id desc);
create index inbox_messages_unread_idx on inbox_messages (person_id) where read_at is null;

-- Subscriptions listen on this channel (one connection per process): the payload is "person_id:message_id".
create function inbox_message_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('vssid_inbox', new.person_id::text || ':' || new.id::text);
    return null;
end
$$;
create trigger inbox_messages_notify after insert on inbox_messages
    for each row execute function inbox_message_notify();

create table inbox_opt_outs (
    person_id bigint not null references people (id),
    kind text not null check (kind in ('CONTRIBUTION_ARREARS', 'CARD_EXPIRING', 'PASSWORD_EXPIRING',
                                       'REGISTRATION_DECISION', 'PARTNER_ACCESS', 'OFFICER_ACCESS')),
    created_at timestamptz not null default now(),
    primary key (person_id, kind)
);

-- A phone or browser that receives push notifications: ANDROID through FCM, IOS through APNs.
create table devices (
    person_id bigint not null references people (id),
    id bigint generated always as identity,
    platform text not null check (platform in ('ANDROID', 'IOS')),
    token text not null check (length(token) between 8 and 4096),
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    primary key (person_id, id),
    -- A token names one app install: registered again by someone else, it moves to them.
    unique (platform, token)
);

-- The producers that read new rows of another table (registration decisions, the access log) remember how far
-- they have read; they read again from a margin before it, so a row committed late is still seen.
create table inbox_watermarks (
    producer text primary key,
    seen_until timestamptz not null
);
insert into inbox_watermarks (producer, seen_until) values ('REGISTRATION_DECISION', now()), ('ACCESS_LOG', now());

create index access_log_at_idx on access_log (at);
create index registrations_decided_idx on registrations (decided_at) where decided_at is not null;
create index insurance_cards_valid_to_idx on insurance_cards (valid_to);

-- Push notifications go through the outbox with the other channels (recipient: "PLATFORM:token").
alter table notification_outbox drop constraint notification_outbox_channel_check;
alter table notification_outbox add constraint notification_outbox_channel_check
    check (channel in ('SMS', 'EMAIL', 'PUSH'));
