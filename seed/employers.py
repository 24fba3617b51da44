"""Employers (đơn vị tham gia BHXH): enterprises, public bodies, commune committees, foreign organisations."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from stdnum.vn import mst

from db.reference import read_data_csv
from seed.directory import Directory
from seed.names import NameParts, lower_first, short_ward, street_address
from seed.rng import Permutation, Weighted, apportion, month_index, weighted_by
from seed.world import World

SECTORS = Weighted(("DN", "HC", "XK", "NN"), (80, 14, 3, 3))
STATUSES = Weighted(("ACTIVE", "SUSPENDED", "CLOSED"), (88, 5, 7))
# Share of a province's workers employed elsewhere (migrants to the industrial hubs).
WORK_ELSEWHERE = 0.12
# Company forms exist from the law that created them: the Company Law and the Private Enterprise Law of 1990 (in
# force 15 April 1991: TNHH, cổ phần, doanh nghiệp tư nhân), the one-member limited company from the Enterprise
# Law of 1999 (in force 1 January 2000). Before that employers are state bodies, state enterprises (xí nghiệp)
# and cooperatives. Foreign organisations appear with the Foreign Investment Law of 1987 (in force 1988).
COMPANY_LAW = 1991 * 12 + 4  # May 1991, the first whole month under the 1990 laws
FORM_FROM = {"Công ty TNHH MTV": 2000 * 12, "Công ty TNHH": COMPANY_LAW, "Công ty Cổ phần": COMPANY_LAW,
             "Doanh nghiệp tư nhân": COMPANY_LAW}
FOREIGN_FROM = 1988 * 12


@dataclass(frozen=True, slots=True)
class Employer:
    id: int
    sector: str  # DN enterprise, HC public body, XK commune committee, NN foreign organisation
    province: str
    status: str
    # CLOSED: no job runs past this month. SUSPENDED: declared but unpaid (nợ đóng) from this month.
    closed_month: int | None
    arrears_from: int | None
    titles: Weighted[str]
    opens_month: int = 0  # no job there before this month (its legal form did not exist yet)


@dataclass(frozen=True, slots=True)
class EmployerPool:
    local: dict[str, Weighted[Employer]]
    local_active: dict[str, Weighted[Employer]]
    anywhere: Weighted[Employer]
    anywhere_active: Weighted[Employer]
    early: Weighted[Employer]  # employers whose form existed before the company law
    modern_from: int = 2000 * 12  # from here every form exists (FORM_FROM)

    def pick_early(self, rng: random.Random, province: str) -> Employer:
        del province  # state bodies and enterprises of any province, as the hubs drew workers then too
        return self.early.pick(rng)

    def pick(self, rng: random.Random, province: str, *, active: bool = False) -> Employer:
        local = (self.local_active if active else self.local).get(province)
        if local is None or rng.random() < WORK_ELSEWHERE:
            return (self.anywhere_active if active else self.anywhere).pick(rng)
        return local.pick(rng)


def employer_count(persons: int) -> int:
    return max(20, persons // 25)


def generate_employers(
    world: World, directory: Directory, parts: NameParts, rng: random.Random, count: int
) -> tuple[list[tuple[object, ...]], EmployerPool]:
    templates = weighted_by(read_data_csv("employer_names.csv"), "sector", "template")
    words = weighted_by(read_data_csv("name_parts.csv"), "kind", "value")
    titles = _TitlesBySector(read_data_csv("job_titles.csv"))
    tax_codes = _TaxCodes(Permutation(10**7, rng))
    tax_prefix = {r["province_code"]: r["tax_prefix"] for r in read_data_csv("tax_code_prefixes.csv")}
    now = month_index(world.as_of)
    provinces = list(world.provinces.values())
    # Industrial hubs employ more than their population alone suggests.
    hub = {"79": 1.8, "01": 1.5, "75": 1.4, "24": 1.4, "31": 1.3, "48": 1.2}
    per_province = apportion(count, [p.population * hub.get(p.code, 1.0) for p in provinces])
    rows: list[tuple[object, ...]] = []
    employers: list[tuple[Employer, float]] = []
    for province, n in zip(provinces, per_province, strict=True):
        for _ in range(n):
            i = len(rows)
            ward = world.ward_pickers[province.code].pick(rng)
            sector = SECTORS.pick(rng)
            status = STATUSES.pick(rng) if sector in ("DN", "NN") else "ACTIVE"
            fill = {"form": words["company_form"].pick(rng), "industry": words["company_industry"].pick(rng),
                    "brand": words["company_brand"].pick(rng), "foreign": words["foreign_org"].pick(rng),
                    "ward": short_ward(ward), "ward_lower": lower_first(ward.name), "province": province.short_name}
            template = templates[sector].pick(rng)
            name = template.format(**fill)
            code = f"{sector}{province.code}{i + 1:05d}" if i < 99_999 else f"{sector}{province.code}{i + 1:06d}"
            rows.append((i + 1, code, name, tax_codes.next(tax_prefix[province.code]),
                         street_address(parts, rng, ward, province), province.code,
                         directory.agency_of_ward[ward.code].id, status))
            closed = now - rng.randint(1, 96) if status == "CLOSED" else None
            arrears = now - rng.randint(2, 13) if status == "SUSPENDED" else None  # whole past-due months
            size = min(500.0, rng.paretovariate(1.1))
            opens = FORM_FROM.get(fill["form"], 0) if "{form}" in template else 0
            opens = FOREIGN_FROM if sector == "NN" else opens
            employer = Employer(i + 1, sector, province.code, status, closed, arrears, titles.fitting(sector, name),
                                opens)
            employers.append((employer, size))
    return rows, _pool(employers)


class _TaxCodes:
    """Mã số thuế: the province's two-digit prefix, seven digits (a keyed permutation, so unique) and the check digit
    of the first nine (python-stdnum's `vn.mst`); a sequence whose check digit would be 10 is skipped."""

    def __init__(self, sequence: Permutation) -> None:
        self.sequence, self.drawn = sequence, 0

    def next(self, prefix: str) -> str:
        while True:
            body = f"{prefix}{self.sequence(self.drawn):07d}"
            self.drawn += 1
            check = mst.calc_check_digit(body)
            if len(check) == 1 and body[2:] != "0000000":
                return body + check


class _TitlesBySector:
    """Job titles that fit an employer: those of its sector whose `where` words (if any) occur in its name."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = [(r["sector"], r["title"], float(r["weight"]), tuple(w for w in r["where"].split("|") if w))
                     for r in rows]
        self.cache: dict[tuple[str, tuple[str, ...]], Weighted[str]] = {}

    def fitting(self, sector: str, name: str) -> Weighted[str]:
        fit = tuple(title for s, title, _, words in self.rows
                    if s == sector and (not words or any(w in name for w in words)))
        if (sector, fit) not in self.cache:
            weights = {title: weight for s, title, weight, _ in self.rows if s == sector}
            self.cache[sector, fit] = Weighted(list(fit), [weights[t] for t in fit])
        return self.cache[sector, fit]


def _pool(employers: list[tuple[Employer, float]]) -> EmployerPool:
    def picker(items: list[tuple[Employer, float]]) -> Weighted[Employer]:
        return Weighted([e for e, _ in items], [w for _, w in items])

    by_province: dict[str, list[tuple[Employer, float]]] = defaultdict(list)
    for item in employers:
        by_province[item[0].province].append(item)
    active = [item for item in employers if item[0].status == "ACTIVE"]
    return EmployerPool(
        local={p: picker(items) for p, items in by_province.items()},
        local_active={p: picker(a) for p, items in by_province.items()
                      if (a := [x for x in items if x[0].status == "ACTIVE"])},
        anywhere=picker(employers),
        anywhere_active=picker(active or employers),
        early=picker([item for item in employers if item[0].opens_month == 0] or employers),
    )
