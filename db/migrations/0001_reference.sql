-- Reference data: provinces and wards (two-level administration since 2025-07-01), beneficiary groups, ICD-10.
create extension if not exists unaccent;
create extension if not exists pg_trgm;
create extension if not exists cube;
create extension if not exists earthdistance;

-- unaccent() is only STABLE (it reads a dictionary), so it cannot feed a generated column or an index directly.
-- Pinning the dictionary makes the result depend on the input alone. 'đ' is not decomposable, so map it by hand.
create function search_fold(value text) returns text
    language sql immutable parallel safe strict
    return lower(translate(public.unaccent('public.unaccent'::regdictionary, value), 'đĐ', 'dD'));

create table provinces (
    code text primary key check (code ~ '^[0-9]{2}$'),
    name text not null check (length(name) between 1 and 200),
    short_name text not null,
    -- Rough centre of the province, used to place synthetic coordinates and as a default map centre.
    latitude double precision not null check (latitude between -90 and 90),
    longitude double precision not null check (longitude between -180 and 180)
);

create table wards (
    code text primary key check (code ~ '^[0-9]{5}$'),
    province_code text not null references provinces (code),
    name text not null check (length(name) between 1 and 200)
);
create index wards_province_idx on wards (province_code, code);

-- Nhóm đối tượng tham gia BHYT. Level and percentage change by regulation: data, never code.
create table beneficiary_groups (
    code text primary key check (code ~ '^[A-Z]{2}$'),
    name text not null,
    benefit_level smallint not null check (benefit_level between 1 and 5),
    coverage_percent smallint not null check (coverage_percent between 0 and 100)
);

create table icd10_codes (
    code text primary key check (code ~ '^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$'),
    name text not null
);
