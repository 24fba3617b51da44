-- The pension decision (quyết định hưởng lương hưu hằng tháng), one per pensioner: when it starts, the years counted,
-- the replacement rate they earn and the first monthly amount. The monthly payments stay in `benefits` (kind
-- PENSION, carrying the same decision number).
create table pensions (
    person_id bigint primary key references people (id),
    decision_number text not null,
    start_month date not null check (start_month = date_trunc('month', start_month)),
    months_counted integer not null check (months_counted >= 0),
    replacement_rate integer not null check (replacement_rate between 0 and 75),
    average_salary numeric(15, 0) not null check (average_salary >= 0),
    initial_monthly_amount numeric(15, 0) not null check (initial_monthly_amount >= 0),
    paying_agency_id bigint not null references facilities (id)
);

-- Yearly adjustments of pensions in payment (điều chỉnh lương hưu): reference data from
-- db/data/pension_adjustments.csv (db/reference.py). A pension is raised by those that take effect after its start.
create table pension_adjustments (
    effective_from date primary key,
    percent numeric(5, 2) not null check (percent > 0),
    legal_basis text not null
);
