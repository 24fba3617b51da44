-- Applied by bench/run.py to the benchmark database only (never a project migration): the role PostGraphile
-- connects as, row-level security on the personal tables keyed by the transaction setting vssid.person_id,
-- and the functions PostGraphile exposes for what the service computes (current card, summaries, `me`).
-- The service connects as the database owner, which RLS does not restrict, so it is unaffected.
do $$
begin
    if not exists (select from pg_roles where rolname = 'bench_postgraphile') then
        create role bench_postgraphile login nobypassrls;
    end if;
end
$$;

grant usage on schema public to bench_postgraphile;
grant select on people, insurance_cards, contribution_periods, benefits, medical_visits, facilities, provinces,
    wards, beneficiary_groups, icd10_codes, employers to bench_postgraphile;

create or replace function public.bench_viewer_person_id() returns bigint
    language sql stable parallel safe
    return nullif(current_setting('vssid.person_id', true), '')::bigint;
comment on function public.bench_viewer_person_id() is E'@behavior -*';

alter table people enable row level security;
alter table insurance_cards enable row level security;
alter table contribution_periods enable row level security;
alter table benefits enable row level security;
alter table medical_visits enable row level security;

drop policy if exists bench_own_person on people;
create policy bench_own_person on people for select to bench_postgraphile using (id = bench_viewer_person_id());
drop policy if exists bench_own_rows on insurance_cards;
create policy bench_own_rows on insurance_cards for select to bench_postgraphile
    using (person_id = bench_viewer_person_id());
drop policy if exists bench_own_rows on contribution_periods;
create policy bench_own_rows on contribution_periods for select to bench_postgraphile
    using (person_id = bench_viewer_person_id());
drop policy if exists bench_own_rows on benefits;
create policy bench_own_rows on benefits for select to bench_postgraphile using (person_id = bench_viewer_person_id());
drop policy if exists bench_own_rows on medical_visits;
create policy bench_own_rows on medical_visits for select to bench_postgraphile
    using (person_id = bench_viewer_person_id());

create schema if not exists bench_pg;
grant usage on schema bench_pg to bench_postgraphile;

-- `me`: the viewer's own person row (the usual PostGraphile "current person" function).
create or replace function bench_pg.me() returns public.people
    language sql stable
    return (select p from public.people p where p.id = public.bench_viewer_person_id());

-- The card valid today in Vietnam; when two overlap (a reissue), the one that started last (as the service).
create or replace function bench_pg.people_current_card(p public.people) returns public.insurance_cards
    language sql stable
    return (
        select c from public.insurance_cards c
        where c.person_id = p.id
          and c.valid_from <= (now() at time zone 'Asia/Ho_Chi_Minh')::date
          and c.valid_to >= (now() at time zone 'Asia/Ho_Chi_Minh')::date
        order by c.valid_from desc, c.id desc
        limit 1
    );

drop function if exists bench_pg.people_contribution_summary(public.people);
drop function if exists bench_pg.people_contribution_by_scheme(public.people);
drop type if exists bench_pg.contribution_months;
create type bench_pg.contribution_months as (scheme text, months integer, unpaid_months integer);

-- The month summary as the service computes it (db/contributions.py): months covered by each scheme, and the
-- pension (BHXH) total over compulsory and voluntary months.
create or replace function bench_pg.people_contribution_by_scheme(p public.people)
    returns setof bench_pg.contribution_months
    language sql stable
as $$
    with covered as (
        select c.scheme, month::date as month, bool_or(c.status = 'PAID') as paid
        from public.contribution_periods c, generate_series(c.from_month, c.to_month, interval '1 month') as month
        where c.person_id = p.id
        group by c.scheme, month
    )
    select scheme, count(*)::integer, (count(*) filter (where not paid))::integer
    from covered group by scheme order by scheme
$$;

create or replace function bench_pg.people_contribution_summary(p public.people)
    returns bench_pg.contribution_months
    language sql stable
as $$
    with covered as (
        select month::date as month, bool_or(c.status = 'PAID') as paid
        from public.contribution_periods c, generate_series(c.from_month, c.to_month, interval '1 month') as month
        where c.person_id = p.id and c.scheme in ('BHXH_COMPULSORY', 'BHXH_VOLUNTARY')
        group by month
    )
    select row(null::text, count(*)::integer, (count(*) filter (where not paid))::integer)::bench_pg.contribution_months
    from covered
$$;

drop function if exists bench_pg.people_medical_visit_years(public.people);
drop type if exists bench_pg.visit_year;
create type bench_pg.visit_year as (
    year integer, visits integer, total_cost numeric, insurance_paid numeric, patient_paid numeric
);
create or replace function bench_pg.people_medical_visit_years(p public.people) returns setof bench_pg.visit_year
    language sql stable
as $$
    select extract(year from admitted_at at time zone 'Asia/Ho_Chi_Minh')::integer as year, count(*)::integer,
           sum(total_cost), sum(insurance_paid), sum(patient_paid)
    from public.medical_visits where person_id = p.id
    group by 1 order by 1 desc
$$;

grant execute on all functions in schema bench_pg to bench_postgraphile;
grant execute on function public.bench_viewer_person_id() to bench_postgraphile;
