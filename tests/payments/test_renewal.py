"""The amounts of a renewal, as pure functions of the parameters: household BHYT and voluntary BHXH."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payments.renewal import Parameter, RenewalRates, SupportGroup, household_quote, voluntary_quote

DAY = dt.date(2026, 12, 4)


def rates(base: int = 2_340_000, **changes: str) -> RenewalRates:
    values = {"BASE_SALARY": str(base), "HOUSEHOLD_BHYT_RATE": "4.5", "HOUSEHOLD_BHYT_SHARE_1": "100",
              "HOUSEHOLD_BHYT_SHARE_2": "70", "HOUSEHOLD_BHYT_SHARE_3": "60", "HOUSEHOLD_BHYT_SHARE_4": "50",
              "HOUSEHOLD_BHYT_SHARE_5": "40", "VOLUNTARY_BHXH_RATE": "22", "RURAL_POVERTY_LINE": "1500000",
              "VOLUNTARY_BHXH_CEILING_MULTIPLE": "20", "VOLUNTARY_BHXH_SUPPORT_POOR": "50",
              "VOLUNTARY_BHXH_SUPPORT_NEAR_POOR": "40", "VOLUNTARY_BHXH_SUPPORT_ETHNIC_MINORITY": "30",
              "VOLUNTARY_BHXH_SUPPORT_OTHER": "20", **changes}
    return RenewalRates(DAY, {name: Parameter(Decimal(v), dt.date(2025, 7, 1), "test") for name, v in values.items()})


def test_two_members_for_twelve_months() -> None:
    quote = household_quote(rates(), members=2, months=12)
    assert [(line.order, line.monthly_amount, line.term_amount) for line in quote.members] == [
        (1, 105_300, 1_263_600), (2, 73_710, 884_520)]
    assert quote.total == 2_148_120


def test_the_fifth_member_and_later_pay_the_last_share() -> None:
    quote = household_quote(rates(), members=7, months=3)
    assert [line.share_percent for line in quote.members] == [100, 70, 60, 50, 40, 40, 40]
    assert [line.monthly_amount for line in quote.members] == [105_300, 73_710, 63_180, 52_650, 42_120, 42_120,
                                                               42_120]
    assert quote.total == 3 * (105_300 + 73_710 + 63_180 + 52_650 + 3 * 42_120)


def test_a_monthly_amount_is_rounded_half_up_to_the_dong() -> None:
    # 1,490,001 × 4.5 % = 67,050.045 → 67,050; × 70 % = 46,935.0315 → 46,935; a base of 1,490,010: 67,050.45 → 67,050
    assert household_quote(rates(1_490_001), members=2, months=6).members[1].monthly_amount == 46_935
    # 1,490,012 × 4.5 % = 67,050.54 → 67,051
    assert household_quote(rates(1_490_012), members=1, months=6).members[0].monthly_amount == 67_051


@pytest.mark.parametrize(("members", "months"), [(0, 12), (1, 1), (1, 24)])
def test_a_household_quote_refuses_what_the_rules_do_not_allow(members: int, months: int) -> None:
    with pytest.raises(ValueError):
        household_quote(rates(), members=members, months=months)


@pytest.mark.parametrize(("group", "support"), [(SupportGroup.POOR, 165_000), (SupportGroup.NEAR_POOR, 132_000),
                                                (SupportGroup.ETHNIC_MINORITY, 99_000), (SupportGroup.OTHER, 66_000)])
def test_voluntary_support_is_a_share_of_22_percent_of_the_rural_poverty_line(group: SupportGroup,
                                                                              support: int) -> None:
    quote = voluntary_quote(rates(), monthly_income=3_000_000, months=12, group=group)
    assert quote.monthly_contribution == 660_000 and quote.monthly_support == support
    assert (quote.contribution, quote.support, quote.payable) == (7_920_000, 12 * support, 12 * (660_000 - support))


def test_voluntary_income_is_bounded_by_the_poverty_line_and_20_base_salaries() -> None:
    assert voluntary_quote(rates(), monthly_income=1_500_000, months=1, group=SupportGroup.OTHER).payable == 264_000
    assert voluntary_quote(rates(), monthly_income=46_800_000, months=1,
                           group=SupportGroup.OTHER).monthly_contribution == 10_296_000
    for income in (1_499_999, 46_800_001):
        with pytest.raises(ValueError):
            voluntary_quote(rates(), monthly_income=income, months=1, group=SupportGroup.OTHER)
    with pytest.raises(ValueError):
        voluntary_quote(rates(), monthly_income=2_000_000, months=2, group=SupportGroup.OTHER)


def test_rates_are_complete_only_with_every_parameter() -> None:
    assert rates().complete
    partial = rates()
    del partial.parameters["VOLUNTARY_BHXH_SUPPORT_POOR"]
    assert not partial.complete
