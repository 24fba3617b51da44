-- Accounts, sessions, OTP challenges, registrations, agency officers, partners and their API keys.
create table accounts (
    person_id bigint primary key references people (id),
    password_hash text not null check (password_hash like '$argon2id$%'),
    status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED')),
    must_change_password boolean not null default true,
    password_changed_at timestamptz not null default now(),
    failed_attempts integer not null default 0 check (failed_attempts >= 0),
    locked_until timestamptz,
    last_login_at timestamptz,
    created_at timestamptz not null default now()
);

-- Cán bộ cơ quan BHXH: a person with an account who works for one agency.
create table agency_officers (
    person_id bigint primary key references accounts (person_id),
    agency_id bigint not null references facilities (id),
    created_at timestamptz not null default now()
);
create index agency_officers_agency_idx on agency_officers (agency_id);

-- Opaque tokens; only their SHA-256 hashes are stored.
create table sessions (
    id bigint generated always as identity primary key,
    person_id bigint not null references accounts (person_id),
    family_id uuid not null,
    access_token_hash bytea not null unique,
    refresh_token_hash bytea not null unique,
    access_expires_at timestamptz not null,
    refresh_expires_at timestamptz not null,
    -- A session issued while the password is temporary or expired may only change the password.
    password_change_only boolean not null default false,
    client_address inet,
    created_at timestamptz not null default now(),
    rotated_at timestamptz,
    revoked_at timestamptz
);
create index sessions_person_idx on sessions (person_id, created_at desc);
create index sessions_family_idx on sessions (family_id);

create table otp_challenges (
    id bigint generated always as identity primary key,
    phone text not null check (phone ~ '^0[0-9]{9}$'),
    purpose text not null check (purpose in ('REGISTRATION', 'PASSWORD_RESET')),
    code_hash bytea not null,
    expires_at timestamptz not null,
    attempts integer not null default 0 check (attempts >= 0),
    consumed_at timestamptz,
    created_at timestamptz not null default now()
);
create index otp_challenges_phone_idx on otp_challenges (phone, purpose, created_at desc);

-- Đăng ký giao dịch điện tử: checked online, decided by the chosen agency after the person brings the declaration.
create table registrations (
    id bigint generated always as identity primary key,
    person_id bigint not null references people (id),
    agency_id bigint not null references facilities (id),
    phone text not null check (phone ~ '^0[0-9]{9}$'),
    email text check (email ~ '^[^@\s]+@[^@\s]+$'),
    status text not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'REJECTED')),
    submitted_at timestamptz not null default now(),
    decided_at timestamptz,
    decided_by bigint references agency_officers (person_id),
    rejection_reason text,
    check ((status = 'PENDING') = (decided_at is null)),
    check (status <> 'REJECTED' or rejection_reason is not null)
);
create index registrations_person_idx on registrations (person_id, submitted_at desc);
create unique index registrations_one_pending_idx on registrations (person_id) where status = 'PENDING';
create index registrations_agency_idx on registrations (agency_id, status, submitted_at, id);

create table partners (
    id bigint generated always as identity primary key,
    name text not null unique,
    created_at timestamptz not null default now()
);

create table api_keys (
    id bigint generated always as identity primary key,
    partner_id bigint not null references partners (id),
    -- The first characters of the key, shown to operators so a key can be named without revealing it.
    prefix text not null unique,
    key_hash bytea not null unique,
    scopes text[] not null check (scopes <@ array['directory:read', 'card:verify'] and cardinality(scopes) > 0),
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    last_used_at timestamptz
);
create index api_keys_partner_idx on api_keys (partner_id);
