"""Checks of one consistent life: careers and salaries, arrears, employers, pensions and cards (docs/seed.md)."""

from __future__ import annotations

from db.reference import read_data_csv
from seed.wages import CEILING_MULTIPLE, base_salary_rows

# The data set's date: the seed records it; a database without it is measured as of today.
AS_OF = ("(select coalesce((select (value ->> 'as_of')::date from dataset_info where key = 'seed'), "
         "current_date))")
MONTH = f"date_trunc('month', {AS_OF})::date"
BASE_VALUES = ", ".join(f"('{day}'::date, {amount})" for day, amount in base_salary_rows())
PREFIX_VALUES = ", ".join(f"('{r['province_code']}', '{r['tax_prefix']}')"
                          for r in read_data_csv("tax_code_prefixes.csv"))
def _array(words: str) -> str:
    return "array[" + ", ".join(f"'{w}'" for w in words.split("|") if w) + "]::text[]"


TITLE_VALUES = ", ".join(f"('{r['sector']}', '{r['title']}', {_array(r['where'])})"
                         for r in read_data_csv("job_titles.csv"))
# The month a person reaches retirement age: men 60 + 3 months a year from 2021 up to 62, women 55 + 4 up to 60.
RETIREMENT_MONTH = """(date_trunc('month', p.date_of_birth) + make_interval(months =>
    case when p.gender = 'MALE' then 720 + least(24, 3 * greatest(0, extract(year from p.date_of_birth)::int - 1960))
         else 660 + least(60, 4 * greatest(0, extract(year from p.date_of_birth)::int - 1965)) end))"""
# The months covered by health insurance, per person: those a BHYT contribution period or a card (any of its days)
# covers, as one multirange of whole months; a run of covered months is a range inside it. One pass over the cards
# and periods, hash-joined to the cards checked (one probe per month and card was hours at 1,000,000 persons).
COVER = """cover as (
    select person_id, range_agg(r) as months from (
        select person_id, daterange(date_trunc('month', valid_from)::date,
                                    (date_trunc('month', valid_to) + interval '1 month')::date) as r
        from insurance_cards
        union all
        select person_id, daterange(from_month, (to_month + interval '1 month')::date)
        from contribution_periods where scheme = 'BHYT') t
    group by person_id)"""

# Whole years counted → the replacement rate of the law in force in the pension's first month (seed/benefits.py
# replacement_rate): before 2018 45% for 15 years +2%/+3% a year; from 2018 women 45% for 15 years, men for 16…20
# years (2018…2022), +2% a year; from July 2025 men with 15-19 years 40% +1% a year; at most 75%.
PENSION_RATE = """(select case
    when s.start_month < date '2018-01-01' then least(75, 45 + s.step * greatest(0, s.years - 15))
    when s.male and s.years < s.base and s.start_month >= date '2025-07-01' then 40 + greatest(0, s.years - 15)
    else least(75, 45 + 2 * greatest(0, s.years - s.base)) end
  from (select x.start_month, x.months_counted / 12 as years, p.gender = 'MALE' as male,
               case when p.gender = 'MALE' then 2 else 3 end as step,
               case when p.gender = 'MALE' then least(20, 16 + extract(year from x.start_month)::int - 2018)
                    else 15 end as base
        from people p where p.id = x.person_id) s)"""
# The check digit of a 10-digit tax code (python-stdnum's vn.mst): 10 - (Σ weight × digit of the first nine) mod 11.
MST_CHECK = "10 - (" + " + ".join(f"{w} * substr(e.tax_code, {k}, 1)::int"
                                  for k, w in enumerate((31, 29, 23, 19, 17, 13, 7, 5, 3), start=1)) + ") % 11"
# A person's cards (not revoked) as one multirange of days.
CARD_DAYS = """coalesce((select range_agg(daterange(k.valid_from, k.valid_to, '[]')) from insurance_cards k
                          where k.person_id = {person} and k.revoked_at is null), '{{}}'::datemultirange)"""

CHECKS = (
    ("arrears_mix_due_and_not_due",
     "an unpaid period (nợ đóng) covers both a past-due month and a month not yet due (the month before the "
     "data set's month or later): arrears are whole past-due months",
     f"""select count(*) from contribution_periods
         where status = 'UNPAID' and from_month <= {MONTH} - interval '2 months'
           and to_month >= {MONTH} - interval '1 month'"""),
    ("unpaid_not_due_without_arrears",
     "months not yet due are unpaid although the employer owes nothing past due (the current month shown as debt)",
     f"""select count(*) from contribution_periods c
         where c.status = 'UNPAID' and c.employer_id is not null and c.from_month >= {MONTH} - interval '1 month'
           and not exists (select from contribution_periods a
                           where a.person_id = c.person_id and a.scheme = c.scheme and a.employer_id = c.employer_id
                             and a.status = 'UNPAID' and a.to_month = {MONTH} - interval '2 months')"""),
    ("salary_outside_era",
     f"an employer's period has a salary basis below the base salary of a month it covers or above {CEILING_MULTIPLE} "
     "times it (db/data/wage_history.csv; the base salary only rises)",
     f"""with v (from_day, amount) as (values {BASE_VALUES}),
         base as (select from_day, lead(from_day, 1, 'infinity') over (order by from_day) as to_day, amount from v)
         select count(*) from contribution_periods c
         join base first_base on c.from_month >= first_base.from_day and c.from_month < first_base.to_day
         join base last_base on c.to_month >= last_base.from_day and c.to_month < last_base.to_day
         where c.employer_id is not null
           and (c.salary_basis < last_base.amount or c.salary_basis > {CEILING_MULTIPLE} * first_base.amount)"""),
    ("company_before_its_law",
     "a period with a limited or joint-stock company or a private enterprise before the 1990 laws took effect "
     "(May 1991), with a one-member limited company before 2000, or with a foreign organisation before 1988",
     """select count(*) from contribution_periods c join employers e on e.id = c.employer_id
         where (e.name like '%Công ty TNHH MTV%' and c.from_month < date '2000-01-01')
            or ((e.name like '%Công ty TNHH%' or e.name like '%Công ty Cổ phần%'
                 or e.name like '%Doanh nghiệp tư nhân%') and c.from_month < date '1991-05-01')
            or (e.code like 'NN%' and c.from_month < date '1988-01-01')"""),
    ("job_title_fits_employer",
     "a period's job title is not one of its employer's sector, or needs a kind of employer (the industry of an "
     "enterprise, a school, a health centre…) that the employer's name does not show (db/data/job_titles.csv)",
     f"""with fit (sector, title, words) as (values {TITLE_VALUES})
         select count(*) from contribution_periods c join employers e on e.id = c.employer_id
         where not exists (select from fit f where f.sector = left(e.code, 2) and f.title = c.job_title
                           and (cardinality(f.words) = 0
                                or exists (select from unnest(f.words) w where strpos(e.name, w) > 0)))"""),
    ("tax_code_prefix",
     "an employer's tax code does not start with the tax prefix of its province (db/data/tax_code_prefixes.csv)",
     f"""with prefix (province_code, tax_prefix) as (values {PREFIX_VALUES})
         select count(*) from employers e left join prefix x on x.province_code = e.province_code
         where x.tax_prefix is null or left(e.tax_code, 2) <> x.tax_prefix"""),
    ("pension_decisions",
     "a pensioner whose pension payments carry more than one decision number",
     """select count(*) from (select person_id from benefits where kind = 'PENSION'
                                group by person_id having count(distinct decision_number) > 1) t"""),
    ("pension_before_retirement_age",
     "a pension paid for a month before the month after the person reached the retirement age of the roadmap",
     f"""select count(*) from benefits b join people p on p.id = b.person_id
         where b.kind = 'PENSION' and b.period_from < {RETIREMENT_MONTH} + interval '1 month'"""),
    ("pension_while_employed",
     "a pension paid for a month in which the person still contributed through an employer",
     """select count(*) from benefits b
         where b.kind = 'PENSION' and exists (
             select from contribution_periods c where c.person_id = b.person_id and c.scheme = 'BHXH_COMPULSORY'
               and c.from_month <= b.period_from and c.to_month >= date_trunc('month', b.period_from))"""),
    ("five_years_without_coverage",
     "a card's five-years-continuous date (ngày đủ 5 năm liên tục) is not preceded by 60 covered months "
     "(BHYT contribution periods or cards)",
     f"""with {COVER}
         select count(*) from insurance_cards k left join cover c on c.person_id = k.person_id
         where k.five_years_continuous_from is not null
           and not coalesce(daterange((date_trunc('month', k.five_years_continuous_from) - interval '60 months')::date,
                                      date_trunc('month', k.five_years_continuous_from)::date) <@ c.months, false)"""),
    ("five_years_missing",
     "a current card without a five-years-continuous date although the holder has been covered every month of "
     "the last five years",
     f"""with {COVER}
         select count(*) from insurance_cards k join cover c on c.person_id = k.person_id
         where k.five_years_continuous_from is null and k.revoked_at is null
           and k.valid_from <= {AS_OF} and k.valid_to >= {AS_OF}
           and daterange(({MONTH} - interval '60 months')::date, ({MONTH} + interval '1 month')::date)
               <@ c.months"""),
    ("residence_area_by_ward",
     "residents of one ward hold current cards with different residence areas (K1/K2/K3 or none): the area "
     "belongs to where one lives",
     f"""select count(*) from (
             select p.ward_code from insurance_cards k join people p on p.id = k.person_id
             where p.ward_code is not null and k.revoked_at is null and k.valid_from <= {AS_OF}
               and k.valid_to >= {AS_OF}
             group by p.ward_code having count(distinct coalesce(k.residence_area, '-')) > 1) t"""),
    ("cards_overlapping",
     "two cards of one person valid on the same day (neither revoked)",
     """select count(*) from insurance_cards k
         where k.revoked_at is null and exists (
             select from insurance_cards o where o.person_id = k.person_id and o.id > k.id and o.revoked_at is null
               and o.valid_from <= k.valid_to and o.valid_to >= k.valid_from)"""),
    ("employee_without_current_card",
     "an adult whose employer declares BHYT for the data set's month but who holds no valid card",
     f"""select count(distinct c.person_id) from contribution_periods c join people p on p.id = c.person_id
         where c.scheme = 'BHYT' and c.employer_id is not null and c.from_month <= {MONTH} and c.to_month >= {MONTH}
           and p.date_of_birth <= {AS_OF} - interval '18 years'
           and not exists (select from insurance_cards k where k.person_id = c.person_id and k.revoked_at is null
                           and k.valid_from <= {AS_OF} and k.valid_to >= {AS_OF})"""),
    ("cards_missing_while_employed",
     "an employer's BHYT period since 2014 with days on which no card of the person is valid: the yearly cards "
     "cover every month an employer declared",
     f"""select count(*) from contribution_periods c
         where c.scheme = 'BHYT' and c.employer_id is not null and c.to_month >= date '2014-01-01'
           and not daterange(greatest(c.from_month, date '2014-01-01'), (c.to_month + interval '1 month')::date)
                   <@ {CARD_DAYS.format(person='c.person_id')}"""),
    ("cards_missing_for_child",
     "a child under 6 without a valid card on some day since 2014 (or birth) up to the data set's date: children's "
     "cards (TE) run from birth to the day before the 6th birthday",
     f"""select count(*) from people p
         where p.date_of_birth > date '2008-01-01' and p.date_of_birth <= {AS_OF}
           and not daterange(greatest(p.date_of_birth, date '2014-01-01'),
                             least((p.date_of_birth + interval '6 years')::date, {AS_OF} + 1))
                   <@ {CARD_DAYS.format(person='p.id')}"""),
    ("pension_rate_by_years",
     "a pension decision whose replacement rate is not the one the years counted earn under the law in force in "
     "its first month (Luật BHXH 2006 art. 52, 2014 art. 56, 2024 art. 66; at most 75%)",
     f"""select count(*) from pensions x where x.replacement_rate <> {PENSION_RATE}"""),
    ("tax_code_check_digit",
     "an employer's tax code is not 10 digits ending with the check digit of the first nine (mã số thuế)",
     f"""select count(*) from employers e
         where case when e.tax_code ~ '^[0-9]{{10}}$' then substr(e.tax_code, 10, 1)::int <> {MST_CHECK}
                    else true end"""),
)
