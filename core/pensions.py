"""The yearly adjustment of a pension in payment (điều chỉnh lương hưu), one rule for the seed and the API."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def adjusted(amount: int, percent: Decimal | float) -> int:
    """`amount` raised by `percent` (7.19 → +7.19 %), rounded down to the đồng: the integer arithmetic the data set
    uses, so that the amount after each adjustment is exactly the monthly payment on record."""
    return amount * (10_000 + round(Decimal(str(percent)) * 100)) // 10_000


def adjusted_all(amount: int, percents: Iterable[Decimal | float]) -> int:
    for percent in percents:
        amount = adjusted(amount, percent)
    return amount
