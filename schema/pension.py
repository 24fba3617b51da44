"""Pension: the decision behind a retiree's monthly pension (quyết định hưởng lương hưu hằng tháng). Personal data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from core.pensions import adjusted
from loaders.base import Row
from schema.facility import Facility, facility_relation
from schema.scalars import Money


@strawberry.type(description="A yearly adjustment (điều chỉnh lương hưu) that raised the pension.")
class PensionAdjustment:
    effective_from: dt.date = strawberry.field(description="The first day the raised amount is paid.")
    percent: float = strawberry.field(description="The rise in percent, e.g. 7.19.")
    legal_basis: str = strawberry.field(description="The decree that set it, e.g. NĐ 44/2019/NĐ-CP.")
    monthly_amount_after: Money = strawberry.field(description="The monthly pension from that day.")


@strawberry.type(
    description="The pension decision: when the pension started, the years of contribution counted, the replacement "
    "rate (tỷ lệ hưởng) they earned under the law in force then, the first monthly amount and the yearly "
    "adjustments since. Every field answers only to the pensioner (and, like benefits, to a guardian or grantee "
    "who may read BENEFITS)."
)
class Pension(OwnedByViewer):
    access_part: ClassVar[str | None] = "BENEFITS"
    person_id: strawberry.Private[int]
    paying_agency_id: strawberry.Private[int]
    decision_number: str | None = strawberry.field(description="Số quyết định, the same on every monthly payment.")
    start_date: dt.date | None = strawberry.field(description="The first day of the first month paid.")
    years_counted: int | None = strawberry.field(description="Whole years of BHXH contribution counted.")
    months_counted: int | None = strawberry.field(description="And months beyond yearsCounted (0 to 11).")
    replacement_rate: int | None = strawberry.field(
        description="Tỷ lệ hưởng lương hưu in percent (45 to 75; 40 to 44 for a man with 15 to 19 years from July "
        "2025): Luật BHXH 2024 art. 66, or the law in force at startDate (see the API guide)."
    )
    average_salary: Money | None = strawberry.field(
        description="The average monthly salary basis the rate applies to (mức bình quân tiền lương)."
    )
    initial_monthly_amount: Money | None = strawberry.field(description="The monthly pension at startDate.")
    current_monthly_amount: Money | None = strawberry.field(
        description="The monthly pension today: initialMonthlyAmount raised by every adjustment in `adjustments`."
    )
    adjustments: list[PensionAdjustment] | None = strawberry.field(
        description="The yearly adjustments since startDate, up to today, oldest first."
    )
    paying_agency: Facility | None = facility_relation("paying_agency_id")

    @classmethod
    def from_row(cls, row: Row) -> Pension:
        amount = int(row["initial_monthly_amount"])
        adjustments = []
        for day, percent, basis in zip(row["adjustment_dates"], row["adjustment_percents"], row["adjustment_bases"],
                                       strict=True):
            amount = adjusted(amount, percent)
            adjustments.append(PensionAdjustment(effective_from=day, percent=float(percent), legal_basis=basis,
                                                 monthly_amount_after=Money(Decimal(amount))))
        months = int(row["months_counted"])
        return cls(
            person_id=row["person_id"], paying_agency_id=row["paying_agency_id"],
            decision_number=row["decision_number"], start_date=row["start_month"], years_counted=months // 12,
            months_counted=months % 12, replacement_rate=row["replacement_rate"],
            average_salary=Money(row["average_salary"]),
            initial_monthly_amount=Money(row["initial_monthly_amount"]),
            current_monthly_amount=Money(Decimal(amount)), adjustments=adjustments,
        )
