"""The statutory wage history (db/data/wage_history.csv): salary bases in the money of their time.

A salary basis is drawn as a multiple of the base salary (lương tối thiểu chung, later lương cơ sở) in force,
never below it and never above 20 times it (the ceiling of the compulsory BHXH salary basis). Segments of a job
are cut where the base salary changes, so each stays within the bounds of every month it covers.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from functools import cache

from db.reference import read_data_csv
from seed.rng import month_index

CEILING_MULTIPLE = 20  # Luật BHXH: the salary basis is capped at 20 times the base salary


@dataclass(frozen=True, slots=True)
class WageHistory:
    base_months: tuple[int, ...]  # month index from which each amount applies
    base_amounts: tuple[int, ...]
    region_months: tuple[int, ...]
    region_amounts: tuple[int, ...]

    def base(self, month: int) -> int:
        return self.base_amounts[max(0, bisect.bisect(self.base_months, month) - 1)]

    def region_i(self, month: int) -> int | None:
        i = bisect.bisect(self.region_months, month) - 1
        return None if i < 0 else self.region_amounts[i]

    def next_change(self, month: int) -> int | None:
        """The first month after `month` in which the base salary changes."""
        i = bisect.bisect(self.base_months, month)
        return self.base_months[i] if i < len(self.base_months) else None

    def bounds(self, month: int) -> tuple[int, int]:
        base = self.base(month)
        return base, base * CEILING_MULTIPLE


@cache
def wage_history() -> WageHistory:
    rows = read_data_csv("wage_history.csv")

    def series(kind: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        picked = sorted((month_index(date.fromisoformat(r["from"])), int(r["amount"])) for r in rows
                        if r["kind"] == kind)
        return tuple(m for m, _ in picked), tuple(a for _, a in picked)

    base_months, base_amounts = series("BASE")
    region_months, region_amounts = series("REGION_I")
    return WageHistory(base_months, base_amounts, region_months, region_amounts)


def base_salary_rows() -> list[tuple[date, int]]:
    """(from, amount) of the base salary, for the integrity checks."""
    return [(date.fromisoformat(r["from"]), int(r["amount"])) for r in read_data_csv("wage_history.csv")
            if r["kind"] == "BASE"]
