-- Issue 17: the visit history is partitioned by year (range on admitted_at, years in Vietnam's time zone), so
-- that an old year can be detached and archived as one table, and each partition's indexes stay the size of
-- one year. Why range by time and not hash by person: docs/scale.md ("Partitioning the visit history"), measured
-- by bench/partitions.py. Distribution by person is Citus's job (docs/scale.md), not local partitioning's.
--
-- This converts an existing database in one transaction: the partitioned table is made beside the old one, the
-- rows are copied, the names are swapped. It rewrites the whole table under an exclusive lock (about 3 minutes
-- for 18 million visits at 1,000,000 persons on the development machine); docs/scale.md says what the operator
-- of a larger database does instead.
--
-- The primary key holds the partition key (admitted_at) and the distribution column (person_id): PostgreSQL
-- requires the first, Citus the second. It leads with id, so that a visit's global ID still finds its row.
alter table medical_visits rename to medical_visits_unpartitioned;
alter sequence medical_visits_id_seq rename to medical_visits_unpartitioned_id_seq;

create table medical_visits (
    id bigint generated always as identity,
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
) partition by range (admitted_at);

-- One partition per calendar year in Vietnam (UTC+7, no daylight saving): medical_visits_2017 holds
-- [2017-01-01 00:00+07, 2018-01-01 00:00+07). Made from the first year of the app's history to the year after
-- this migration was written; later years are made ahead by `python main.py partitions` and by the housekeeping
-- job (db/partitions.py), both through this function. There is no default partition: a visit of a year without
-- its partition is refused rather than parked where attaching that year would have to scan it.
create function medical_visits_ensure_year(y integer) returns boolean
language plpgsql
as $$
begin
    if to_regclass(format('medical_visits_%s', y)) is not null then
        return false;
    end if;
    execute format('create table if not exists %I partition of medical_visits for values from (%L) to (%L)',
                   format('medical_visits_%s', y), make_timestamptz(y, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'),
                   make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'));
    return true;
end
$$;
select medical_visits_ensure_year(y) from generate_series(2017, 2027) as y;

insert into medical_visits overriding system value
select id, person_id, facility_id, visit_type, admitted_at, discharged_at, primary_diagnosis_code, total_cost,
       insurance_paid, patient_paid
from medical_visits_unpartitioned;
select setval(pg_get_serial_sequence('medical_visits', 'id'),
              (select coalesce(max(id), 0) + 1 from medical_visits_unpartitioned), false);
drop table medical_visits_unpartitioned;

-- Indexes after the rows, each built once per partition.
alter table medical_visits add constraint medical_visits_pkey primary key (id, admitted_at, person_id);
create index medical_visits_person_idx on medical_visits (person_id, admitted_at desc, id desc);
create index medical_visits_facility_idx on medical_visits (facility_id);
analyze medical_visits;

-- Citus's rule for the other personal tables (db/distribution.py): a primary key holds the distribution column.
-- It still leads with id, so a lookup by id keeps its index; id stays unique on its own through its identity.
alter table access_log drop constraint access_log_pkey, add primary key (id, person_id);
alter table benefits drop constraint benefits_pkey, add primary key (id, person_id);
alter table contribution_periods drop constraint contribution_periods_pkey, add primary key (id, person_id);
alter table insurance_cards drop constraint insurance_cards_pkey, add primary key (id, person_id);
alter table registrations drop constraint registrations_pkey, add primary key (id, person_id);
alter table sessions drop constraint sessions_pkey, add primary key (id, person_id);
