-- People and their records. Every table that belongs to a person carries person_id and is indexed by it first,
-- so the data can later be distributed by person.
create table people (
    id bigint generated always as identity primary key,
    -- Mã số BHXH: 10 ASCII digits, one per person for life; the login name.
    social_insurance_code text not null unique check (social_insurance_code ~ '^[0-9]{10}$'),
    -- Số CCCD: 12 digits.
    national_id text unique check (national_id ~ '^[0-9]{12}$'),
    full_name text not null check (length(full_name) between 1 and 200),
    date_of_birth date not null check (date_of_birth >= date '1900-01-01'),
    gender text not null check (gender in ('MALE', 'FEMALE')),
    phone text check (phone ~ '^0[0-9]{9}$'),
    email text check (email ~ '^[^@\s]+@[^@\s]+$'),
    address text not null,
    province_code text not null references provinces (code),
    ward_code text references wards (code),
    -- Cơ quan BHXH quản lý.
    managing_agency_id bigint references facilities (id),
    created_at timestamptz not null default now()
);
create index people_lookup_idx on people (national_id, date_of_birth);
create index people_phone_idx on people (phone);

-- Thẻ BHYT. Level and percentage are stored as issued, never derived from the card string.
create table insurance_cards (
    id bigint generated always as identity primary key,
    person_id bigint not null references people (id),
    card_number text not null check (card_number ~ '^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$'),
    group_code text not null references beneficiary_groups (code),
    benefit_level smallint not null check (benefit_level between 1 and 5),
    coverage_percent smallint not null check (coverage_percent between 0 and 100),
    province_code text not null references provinces (code),
    valid_from date not null,
    valid_to date not null,
    primary_facility_id bigint not null references facilities (id),
    five_years_continuous_from date,
    residence_area text check (residence_area in ('K1', 'K2', 'K3')),
    issuing_agency_id bigint references facilities (id),
    previous_card_number text check (previous_card_number ~ '^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$'),
    issued_at timestamptz not null default now(),
    check (valid_to >= valid_from),
    check (substr(card_number, 1, 2) = group_code),
    check (substr(card_number, 3, 1)::smallint = benefit_level),
    check (substr(card_number, 4, 2) = province_code),
    unique (card_number, valid_from)
);
create index insurance_cards_person_idx on insurance_cards (person_id, valid_from desc, id desc);
create index insurance_cards_number_idx on insurance_cards (card_number, valid_to desc);
create index insurance_cards_facility_idx on insurance_cards (primary_facility_id);

-- Quá trình tham gia: one row per continuous stretch of one scheme with one employer and one salary basis.
create table contribution_periods (
    id bigint generated always as identity primary key,
    person_id bigint not null references people (id),
    scheme text not null check (scheme in ('BHXH_COMPULSORY', 'BHXH_VOLUNTARY', 'BHTN', 'BHTNLD_BNN', 'BHYT')),
    employer_id bigint references employers (id),
    job_title text,
    from_month date not null check (extract(day from from_month) = 1),
    to_month date not null check (extract(day from to_month) = 1),
    months integer generated always as (
        ((extract(year from to_month) - extract(year from from_month)) * 12
         + extract(month from to_month) - extract(month from from_month))::integer + 1) stored,
    salary_basis numeric(15, 0) not null check (salary_basis >= 0),
    -- UNPAID: declared by the employer but not paid (nợ đóng).
    status text not null check (status in ('PAID', 'UNPAID')),
    check (to_month >= from_month),
    check (scheme <> 'BHXH_VOLUNTARY' or employer_id is null)
);
create index contribution_periods_person_idx on contribution_periods (person_id, from_month desc, id desc);
create index contribution_periods_person_scheme_idx on contribution_periods (person_id, scheme, from_month desc, id desc);
create index contribution_periods_employer_idx on contribution_periods (employer_id);

-- Thông tin hưởng.
create table benefits (
    id bigint generated always as identity primary key,
    person_id bigint not null references people (id),
    kind text not null check (kind in ('SICKNESS', 'MATERNITY', 'OCCUPATIONAL_ACCIDENT', 'OCCUPATIONAL_DISEASE',
                                       'CONVALESCENCE', 'PENSION', 'UNEMPLOYMENT', 'LUMP_SUM')),
    decision_number text not null,
    period_from date not null,
    period_to date,
    days integer check (days between 0 and 3660),
    amount numeric(15, 0) not null check (amount >= 0),
    paid_on date not null,
    paying_agency_id bigint not null references facilities (id),
    check (period_to is null or period_to >= period_from)
);
create index benefits_person_idx on benefits (person_id, paid_on desc, id desc);
create index benefits_person_kind_idx on benefits (person_id, kind, paid_on desc, id desc);
create index benefits_agency_idx on benefits (paying_agency_id);

-- Lịch sử khám chữa bệnh BHYT.
create table medical_visits (
    id bigint generated always as identity primary key,
    person_id bigint not null references people (id),
    facility_id bigint not null references facilities (id),
    visit_type text not null check (visit_type in ('OUTPATIENT', 'INPATIENT', 'DAY_TREATMENT', 'EMERGENCY')),
    admitted_at timestamptz not null check (admitted_at >= timestamptz '2017-01-01 00:00+07'),
    discharged_at timestamptz,
    primary_diagnosis_code text not null references icd10_codes (code),
    total_cost numeric(15, 0) not null check (total_cost >= 0),
    insurance_paid numeric(15, 0) not null check (insurance_paid >= 0),
    patient_paid numeric(15, 0) not null check (patient_paid >= 0),
    check (discharged_at is null or discharged_at >= admitted_at),
    check (insurance_paid + patient_paid = total_cost)
);
create index medical_visits_person_idx on medical_visits (person_id, admitted_at desc, id desc);
create index medical_visits_facility_idx on medical_visits (facility_id);
