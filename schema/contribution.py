"""ContributionPeriod and the contribution summary: the participation history (quá trình tham gia). Personal data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from loaders.base import Row
from loaders.directory import EmployerByIdLoader
from loaders.personal import ContributionPeriodByIdLoader
from schema.employer import Employer
from schema.node import Node
from schema.pension_rules import PENSION_MINIMUM_MONTHS, months_to_go, statutory_retirement
from schema.relation import relation
from schema.scalars import Money, Month


@strawberry.enum
class ContributionScheme(enum.Enum):
    BHXH_COMPULSORY = "BHXH_COMPULSORY"  # BHXH bắt buộc
    BHXH_VOLUNTARY = "BHXH_VOLUNTARY"  # BHXH tự nguyện
    BHTN = "BHTN"  # unemployment insurance
    BHTNLD_BNN = "BHTNLD_BNN"  # occupational accident and disease insurance
    BHYT = "BHYT"  # health insurance


@strawberry.enum
class ContributionStatus(enum.Enum):
    PAID = "PAID"
    UNPAID = "UNPAID"  # declared by the employer but not paid (nợ đóng)


@strawberry.type(description="A continuous stretch of one scheme with one employer and one salary basis.")
class ContributionPeriod(OwnedByViewer, Node):
    access_part: ClassVar[str | None] = "CONTRIBUTIONS"
    node_loader = ContributionPeriodByIdLoader
    person_id: strawberry.Private[int]
    employer_id: strawberry.Private[int | None]
    scheme: ContributionScheme | None
    from_month: Month | None
    to_month: Month | None = strawberry.field(description="Inclusive.")
    months: int | None
    salary_basis: Money | None = strawberry.field(description="Monthly salary the contribution is computed on.")
    status: ContributionStatus | None
    amount_owed: Money | None = strawberry.field(
        default=None,
        description=(
            "Contributions past due and unpaid on this period (nợ đóng), employer and employee shares at today's "
            "rates (BHXH 25%, BHTN 2%, BHYT 4.5%, BHTNLD-BNN 0.5% of the salary basis), late-payment interest "
            "aside. A month is due by the last day of the next month (Luật BHXH 2024): 0 for a PAID period and "
            "for UNPAID months not yet due."
        ),
    )
    job_title: str | None
    amount_paid: Money | None = strawberry.field(
        default=None,
        description="Voluntary BHXH paid online: what the person paid for each month of the period (the state's "
        "support aside). Null on the periods the agency recorded.",
    )
    state_support: Money | None = strawberry.field(
        default=None,
        description="Voluntary BHXH paid online: the state's support for each month of the period. Null on the "
        "periods the agency recorded.",
    )
    employer: Employer | None = relation(
        EmployerByIdLoader,
        "employer_id",
        Employer.from_row,
        description="Null for voluntary BHXH, which has no employer.",
    )


@strawberry.type
class SchemeMonths(OwnedByViewer):
    access_part: ClassVar[str | None] = "CONTRIBUTIONS"
    person_id: strawberry.Private[int]
    scheme: ContributionScheme | None
    months: int | None = strawberry.field(description="Calendar months this scheme covers, each counted once.")
    unpaid_months: int | None = strawberry.field(
        description="Of those, months covered only by unpaid periods (nợ đóng)."
    )


@strawberry.type(description="Month totals of the participation history, computed by the database.")
class ContributionSummary(OwnedByViewer):
    access_part: ClassVar[str | None] = "CONTRIBUTIONS"
    person_id: strawberry.Private[int]
    total_months: int | None = strawberry.field(
        description=(
            "Months of BHXH participation (compulsory or voluntary): the number that counts toward a pension. "
            "Each calendar month counts once, even when several periods cover it; other schemes (BHTN, BHYT...) "
            "do not add to it. Includes months the employer declared but has not paid: see unpaidMonths."
        ),
    )
    unpaid_months: int | None = strawberry.field(
        description=(
            "Of totalMonths, the months covered only by unpaid periods (employer arrears, nợ đóng): they count "
            "toward a pension only once paid. totalMonths - unpaidMonths is what counts today."
        ),
    )
    by_scheme: list[SchemeMonths] | None
    pension_months: int | None = strawberry.field(
        description="Months that count toward a pension today: paid BHXH months (totalMonths - unpaidMonths).",
    )
    pension_minimum_months: int | None = strawberry.field(
        description="The legal minimum of contribution for a monthly pension under the law in force: 180 months "
        "(15 years, Luật Bảo hiểm xã hội 2024, in force since 1 July 2025).",
    )
    pension_months_to_go: int | None = strawberry.field(
        description="pensionMinimumMonths - pensionMonths, or 0 once the minimum is reached.",
    )
    retirement_age_years: int | None = strawberry.field(
        description="The statutory retirement age in normal working conditions (Bộ luật Lao động 2019, Điều 169 "
        "and its roadmap): whole years. Null when the date of birth or gender is not on record.",
    )
    retirement_age_months: int | None = strawberry.field(
        description="And months beyond retirementAgeYears (e.g. 61 years 9 months).",
    )
    retirement_date: dt.date | None = strawberry.field(
        description="The day the person reaches the statutory retirement age; retirement takes effect at the end of "
        "that month.",
    )
    pension_from: dt.date | None = strawberry.field(
        description="The first day of the month after retirementDate: the first month a pension can be paid for.",
    )
    unemployment_months_unused: int | None = strawberry.field(
        description="Paid BHTN months not yet used for an unemployment benefit: those after the month in which the "
        "latest unemployment benefit (trợ cấp thất nghiệp) started, or all paid BHTN months if none was granted. "
        "Null to a guardian or grantee who may not read the person's benefits.",
    )

    @classmethod
    def from_rows(
        cls, person_id: int, rows: Sequence[Row], *, date_of_birth: dt.date | None = None, gender: str | None = None
    ) -> ContributionSummary:
        """`rows` hold one row per scheme and one with scheme null: the BHXH (pension) total."""
        total = next((r for r in rows if r["scheme"] is None), None)
        bhtn = next((r for r in rows if r["scheme"] == ContributionScheme.BHTN.value), None)
        counted = total["months"] - total["unpaid_months"] if total else 0
        retirement = statutory_retirement(date_of_birth, gender) if date_of_birth and gender else None
        return cls(
            person_id=person_id,
            total_months=total["months"] if total else 0,
            unpaid_months=total["unpaid_months"] if total else 0,
            pension_months=counted,
            pension_minimum_months=PENSION_MINIMUM_MONTHS,
            pension_months_to_go=months_to_go(counted),
            retirement_age_years=retirement.age_years_part if retirement else None,
            retirement_age_months=retirement.age_months_part if retirement else None,
            retirement_date=retirement.reached_on if retirement else None,
            pension_from=retirement.pension_from if retirement else None,
            unemployment_months_unused=bhtn["unused_months"] if bhtn else 0,
            by_scheme=[
                SchemeMonths(
                    person_id=person_id,
                    scheme=ContributionScheme(r["scheme"]),
                    months=r["months"],
                    unpaid_months=r["unpaid_months"],
                )
                for r in rows
                if r["scheme"] is not None
            ],
        )
