"""Deterministic randomness and calendar arithmetic shared by the generators."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")

# Vietnam has no daylight saving time, so a fixed offset is exact and independent of the host's tz database.
VN_TZ = timezone(timedelta(hours=7), "+07")


def stream(seed: int, name: str) -> random.Random:
    """An independent generator per purpose: adding draws to one part of the data does not shift the others."""
    return random.Random(f"vssid/{seed}/{name}")


class Weighted(Generic[T]):
    """Weighted choice with the cumulative weights computed once (random.choices recomputes them per call)."""

    __slots__ = ("_cumulative", "_total", "items")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("Weighted needs as many weights as items, and at least one item")
        self.items = list(items)
        self._cumulative = list(itertools.accumulate(weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self._cumulative, rng.random() * self._total)]


class Permutation:
    """A keyed bijection of [0, n): unique codes from indexes without remembering the codes already used.

    A four-round Feistel network on [0, m*m), m = ceil(sqrt(n)), walks its cycle back into [0, n) when it lands
    outside. Unlike an affine map, neighbouring indexes get unrelated-looking codes.
    """

    __slots__ = ("_keys", "_m", "n")

    def __init__(self, n: int, rng: random.Random) -> None:
        self.n = n
        self._m = math.isqrt(n - 1) + 1
        self._keys = tuple(rng.getrandbits(32) for _ in range(4))

    def _scramble(self, x: int) -> int:
        m = self._m
        left, right = divmod(x, m)
        for key in self._keys:
            mixed = ((right + key) * 2654435761) & 0xFFFFFFFF
            left, right = right, (left + (mixed ^ (mixed >> 15))) % m
        return left * m + right

    def __call__(self, x: int) -> int:
        if not 0 <= x < self.n:
            raise ValueError(f"{x} is outside the permutation's domain [0, {self.n})")
        y = self._scramble(x)
        while y >= self.n:
            y = self._scramble(y)
        return y


def weighted_by(rows: list[dict[str, str]], key: str, value: str) -> dict[str, Weighted[str]]:
    """Weighted pickers of `value`, one per distinct `key`, from data rows that have a `weight` column."""
    grouped: dict[str, tuple[list[str], list[float]]] = {}
    for row in rows:
        values, weights = grouped.setdefault(row[key], ([], []))
        values.append(row[value])
        weights.append(float(row["weight"]))
    return {k: Weighted(values, weights) for k, (values, weights) in grouped.items()}


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, largest remainders first, so the parts add up exactly."""
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def binomial(rng: random.Random, trials: int, p: float) -> int:
    return sum(1 for _ in range(trials) if rng.random() < p)


def skewed_count(rng: random.Random, mean: float, shape: float) -> int:
    """A gamma-distributed count: most draws small, a long tail of large ones (shape < 1 skews harder)."""
    if mean <= 0:
        return 0
    return int(rng.gammavariate(shape, mean / shape) + 0.5)


# Months are counted as year * 12 + month - 1 so that month arithmetic is integer arithmetic.
def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=4096)
def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=4096)
def month_end(index: int) -> date:
    return month_start(index + 1) - timedelta(days=1)


@lru_cache(maxsize=4096)
def month_text(index: int) -> str:
    return month_start(index).isoformat()


@lru_cache(maxsize=65536)
def day_text(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def stamp(minutes: int) -> str:
    """A timestamptz literal in Vietnam time for `ordinal * 1440 + minute of the day`: no datetime objects needed."""
    day, minute = divmod(minutes, 1440)
    return f"{day_text(day)} {minute // 60:02d}:{minute % 60:02d}:00+07"


def day_minutes(day: date, minute_of_day: int = 0) -> int:
    return day.toordinal() * 1440 + minute_of_day


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def at_time(day: date, minute_of_day: int) -> datetime:
    return datetime(day.year, day.month, day.day, minute_of_day // 60, minute_of_day % 60, tzinfo=VN_TZ)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def round_to(value: float, step: int) -> int:
    return int(value / step + 0.5) * step
