-- Public services (issue 14): the citizen applies, the competent agency decides, the household pays.
-- Personal tables are keyed by person_id first, and every unique constraint includes it, so that a national
-- deployment can distribute them by person (as inbox_messages).

-- Nơi đăng ký KCB ban đầu: when a participant may change it and to which facilities, as data with an effective
-- date (the latest row on or before the day applies). `window_days`: the first days of each quarter (Vietnam
-- time) in which a change is accepted, 0 for none; `levels`: the facility levels a person may register at;
-- `same_province`: the facility must be in the province of the person's residence.
create table facility_change_rules (
    effective_from date primary key,
    window_days smallint not null check (window_days between 0 and 92),
    levels text[] not null check (levels <@ array['CENTRAL', 'PROVINCIAL', 'BASIC', 'COMMUNE']),
    same_province boolean not null
);
-- Luật BHYT as amended in 2024 (in force 1 July 2025): initial registration at the initial and basic levels
-- (trạm y tế xã, phòng khám, bệnh viện cấp cơ bản); the first 10 days of the quarter as the agencies practise it.
insert into facility_change_rules (effective_from, window_days, levels, same_province)
values (date '2025-07-01', 10, array['COMMUNE', 'BASIC'], true);

-- One application (hồ sơ dịch vụ công) of any kind; `input` is the kind's own input, `effect` what its approval
-- (or payment) changed, old and new side by side, for the officer and the auditor.
create table applications (
    person_id bigint not null references people (id),
    id bigint generated always as identity,
    kind text not null check (kind in ('PRIMARY_FACILITY_CHANGE', 'CARD_REISSUE', 'DETAILS_CORRECTION',
                                       'HOUSEHOLD_RENEWAL')),
    status text not null check (status in ('SUBMITTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'CANCELLED',
                                           'AWAITING_PAYMENT', 'PAID')),
    -- The agency that decides: the social insurance agency of the person's province (db/applications.py).
    competent_agency_id bigint not null references facilities (id),
    -- Who applied, as the record said at submission (what the officer's queue shows).
    applicant_name text not null,
    applicant_code text not null,
    input jsonb not null,
    effect jsonb,
    -- Money due in đồng (a household renewal), fixed at submission from the rates in force; never from a client.
    amount_dong bigint check (amount_dong > 0),
    -- Phones retry: the same key from the same person is the same application.
    idempotency_key text not null check (length(idempotency_key) between 8 and 100),
    rejection_reason text check (length(rejection_reason) between 1 and 500),
    submitted_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (person_id, id),
    unique (person_id, idempotency_key),
    check (status <> 'REJECTED' or rejection_reason is not null)
);
create index applications_person_idx on applications (person_id, submitted_at desc, id desc);
create index applications_id_idx on applications (id);
create index applications_agency_idx on applications (competent_agency_id, submitted_at, id);

-- Every change of status, with who and when, written in the same transaction as the change: the auditor's table.
create table application_transitions (
    person_id bigint not null,
    id bigint generated always as identity,
    application_id bigint not null,
    from_status text,
    to_status text not null,
    actor_kind text not null check (actor_kind in ('CITIZEN', 'AGENCY_OFFICER', 'SYSTEM', 'GATEWAY')),
    -- The citizen's or the officer's person id; null for the system and the gateway.
    actor_id bigint references people (id),
    -- What else names the actor: the gateway's transaction number.
    actor_ref text,
    reason text,
    at timestamptz not null default now(),
    primary key (person_id, id),
    foreign key (person_id, application_id) references applications (person_id, id)
);
create index application_transitions_application_idx on application_transitions (application_id, id);

-- The inbox learns two kinds: a decision on an application, and a receipt for a payment (both written by the
-- transaction of the change itself, not by a producer).
alter table inbox_messages drop constraint inbox_messages_kind_check;
alter table inbox_messages add constraint inbox_messages_kind_check
    check (kind in ('CONTRIBUTION_ARREARS', 'CARD_EXPIRING', 'PASSWORD_EXPIRING', 'REGISTRATION_DECISION',
                    'PARTNER_ACCESS', 'OFFICER_ACCESS', 'APPLICATION_DECISION', 'PAYMENT_RECEIPT'));
alter table inbox_messages drop constraint inbox_messages_link_kind_check;
alter table inbox_messages add constraint inbox_messages_link_kind_check
    check (link_kind in ('EMPLOYER', 'CARD', 'REGISTRATION', 'ACCESS_LOG', 'ACCOUNT', 'APPLICATION'));
alter table inbox_opt_outs drop constraint inbox_opt_outs_kind_check;
alter table inbox_opt_outs add constraint inbox_opt_outs_kind_check
    check (kind in ('CONTRIBUTION_ARREARS', 'CARD_EXPIRING', 'PASSWORD_EXPIRING', 'REGISTRATION_DECISION',
                    'PARTNER_ACCESS', 'OFFICER_ACCESS', 'APPLICATION_DECISION', 'PAYMENT_RECEIPT'));
