"""What a renewal costs: household BHYT (BHYT hộ gia đình) and voluntary BHXH (BHXH tự nguyện), as pure functions of
the parameters in force (db/renewal_rates.py reads them from `contribution_parameters`, migration 0012).

Rounding, as the agency's receipts do: each member's (or the person's) monthly amount is rounded half up to the đồng,
and the amount for a term is that monthly amount times the months; a total is the sum of the rounded lines.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

HOUSEHOLD_TERMS = (3, 6, 12)
VOLUNTARY_TERMS = (1, 3, 6, 12)
HUNDRED = Decimal(100)
REQUIRED = ("BASE_SALARY", "HOUSEHOLD_BHYT_RATE", "VOLUNTARY_BHXH_RATE", "RURAL_POVERTY_LINE",
            "VOLUNTARY_BHXH_CEILING_MULTIPLE")
SHARE = "HOUSEHOLD_BHYT_SHARE_"  # HOUSEHOLD_BHYT_SHARE_<n>: member n's share; the highest n goes on for later members


class SupportGroup(enum.Enum):
    """Whom the state supports in paying voluntary BHXH; its share is parameter VOLUNTARY_BHXH_SUPPORT_<name>."""

    POOR = "POOR"  # hộ nghèo
    NEAR_POOR = "NEAR_POOR"  # hộ cận nghèo
    ETHNIC_MINORITY = "ETHNIC_MINORITY"  # người dân tộc thiểu số
    OTHER = "OTHER"


@dataclass(frozen=True)
class Parameter:
    value: Decimal
    effective_from: date
    legal_basis: str


@dataclass(frozen=True)
class RenewalRates:
    """The parameters in force on one day, by name (`BASE_SALARY`, `HOUSEHOLD_BHYT_RATE`, ...)."""

    on: date
    parameters: dict[str, Parameter]

    @property
    def complete(self) -> bool:
        """Every parameter a quote reads is in force (false only before the data's first dates)."""
        groups = (f"VOLUNTARY_BHXH_SUPPORT_{group.value}" for group in SupportGroup)
        return {*REQUIRED, f"{SHARE}1", *groups} <= self.parameters.keys()

    def __getitem__(self, name: str) -> Parameter:
        return self.parameters[name]

    def percent(self, name: str) -> Decimal:
        return self.parameters[name].value / HUNDRED

    def household_share(self, order: int) -> Decimal:
        """The share of the first member's amount that member number `order` pays (the last share goes on)."""
        numbered = {int(name.removeprefix(SHARE)): name for name in self.parameters if name.startswith(SHARE)}
        return self.percent(numbered[min(order, max(numbered))])

    @property
    def income_floor(self) -> int:
        return int(self["RURAL_POVERTY_LINE"].value)

    @property
    def income_ceiling(self) -> int:
        return int(self["BASE_SALARY"].value * self["VOLUNTARY_BHXH_CEILING_MULTIPLE"].value)


def dong(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class MemberLine:
    order: int
    share_percent: Decimal
    monthly_amount: int
    term_amount: int


@dataclass(frozen=True)
class HouseholdQuote:
    months: int
    members: list[MemberLine]

    @property
    def total(self) -> int:
        return sum(line.term_amount for line in self.members)


def household_quote(rates: RenewalRates, *, members: int, months: int) -> HouseholdQuote:
    """Member 1 pays HOUSEHOLD_BHYT_RATE of the base salary a month, member n that times its share."""
    if members < 1 or months not in HOUSEHOLD_TERMS:
        raise ValueError("members >= 1 and months in HOUSEHOLD_TERMS")
    first = Decimal(rates["BASE_SALARY"].value) * rates.percent("HOUSEHOLD_BHYT_RATE")
    lines = []
    for order in range(1, members + 1):
        share = rates.household_share(order)
        monthly = dong(first * share)
        lines.append(MemberLine(order, share * HUNDRED, monthly, monthly * months))
    return HouseholdQuote(months, lines)


@dataclass(frozen=True)
class VoluntaryQuote:
    months: int
    monthly_income: int
    monthly_contribution: int
    monthly_support: int
    support_percent: Decimal

    @property
    def contribution(self) -> int:
        return self.monthly_contribution * self.months

    @property
    def support(self) -> int:
        return self.monthly_support * self.months

    @property
    def payable(self) -> int:
        return self.contribution - self.support


def voluntary_quote(rates: RenewalRates, *, monthly_income: int, months: int, group: SupportGroup) -> VoluntaryQuote:
    """VOLUNTARY_BHXH_RATE of the chosen income, less the state's share of that rate on the rural poverty line."""
    if not rates.income_floor <= monthly_income <= rates.income_ceiling or months not in VOLUNTARY_TERMS:
        raise ValueError("income within the floor and ceiling, months in VOLUNTARY_TERMS")
    rate = rates.percent("VOLUNTARY_BHXH_RATE")
    share = rates.percent(f"VOLUNTARY_BHXH_SUPPORT_{group.value}")
    contribution = dong(monthly_income * rate)
    support = min(contribution, dong(rates.income_floor * rate * share))
    return VoluntaryQuote(months, monthly_income, contribution, support, share * HUNDRED)
