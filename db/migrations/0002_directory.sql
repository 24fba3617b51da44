-- The public directory: one table for medical facilities, social insurance agencies and collection points; employers.
create table facilities (
    id bigint generated always as identity primary key,
    -- Mã cơ sở KCB / mã cơ quan BHXH: 5 characters, the first two the province code.
    code text not null unique check (code ~ '^[0-9]{2}[0-9A-Z]{3}$'),
    kind text not null check (kind in ('HOSPITAL', 'CLINIC', 'HEALTH_STATION', 'SOCIAL_INSURANCE_AGENCY', 'COLLECTION_POINT')),
    level text check (level in ('CENTRAL', 'PROVINCIAL', 'BASIC', 'COMMUNE')),
    name text not null check (length(name) between 1 and 300),
    address text not null check (length(address) <= 500),
    phone text check (phone ~ '^[0-9+ ]{6,20}$'),
    province_code text not null references provinces (code),
    ward_code text references wards (code),
    latitude double precision not null check (latitude between 8 and 24),
    longitude double precision not null check (longitude between 102 and 118),
    bhyt_contracted boolean not null default false,
    accepts_initial_registration boolean not null default false,
    issues_sick_leave_certificates boolean not null default false,
    updated_at timestamptz not null default now(),
    search_document text generated always as (search_fold(name || ' ' || address)) stored,
    check (left(code, 2) = province_code),
    check (kind in ('HOSPITAL', 'CLINIC', 'HEALTH_STATION') or not (bhyt_contracted or accepts_initial_registration
                                                                       or issues_sick_leave_certificates))
);
create index facilities_province_code_idx on facilities (province_code, code);
create index facilities_ward_idx on facilities (ward_code, code);
create index facilities_kind_idx on facilities (kind, code);
create index facilities_updated_idx on facilities (updated_at, id);
create index facilities_search_trgm_idx on facilities using gin (search_document gin_trgm_ops);
create index facilities_earth_idx on facilities using gist (ll_to_earth(latitude, longitude));

-- Đơn vị tham gia BHXH.
create table employers (
    id bigint generated always as identity primary key,
    code text not null unique check (code ~ '^[A-Z0-9]{5,10}$'),
    name text not null check (length(name) between 1 and 300),
    tax_code text unique check (tax_code ~ '^[0-9]{10}([0-9]{3})?$'),
    address text not null,
    province_code text not null references provinces (code),
    agency_id bigint not null references facilities (id),
    status text not null check (status in ('ACTIVE', 'SUSPENDED', 'CLOSED')),
    search_document text generated always as (search_fold(name || ' ' || code || ' ' || coalesce(tax_code, ''))) stored
);
create index employers_province_idx on employers (province_code, name, id);
create index employers_agency_idx on employers (agency_id);
create index employers_search_trgm_idx on employers using gin (search_document gin_trgm_ops);
create index employers_name_idx on employers (name, id);

create table faqs (
    id bigint generated always as identity primary key,
    question text not null,
    answer text not null,
    category text not null,
    position integer not null default 0,
    search_document text generated always as (search_fold(question || ' ' || answer)) stored
);
create index faqs_search_trgm_idx on faqs using gin (search_document gin_trgm_ops);
create index faqs_order_idx on faqs (position, id);

create table news (
    id bigint generated always as identity primary key,
    title text not null,
    summary text not null,
    kind text not null check (kind in ('ARTICLE', 'VIDEO')),
    published_at timestamptz not null,
    url text not null check (url ~ '^https://')
);
create index news_published_idx on news (published_at desc, id desc);
