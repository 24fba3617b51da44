"""ContributionPeriod and the contribution summary: the participation history (quá trình tham gia). Personal data."""

from __future__ import annotations

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

    @classmethod
    def from_rows(cls, person_id: int, rows: Sequence[Row]) -> ContributionSummary:
        """`rows` hold one row per scheme and one with scheme null: the BHXH (pension) total."""
        total = next((r for r in rows if r["scheme"] is None), None)
        return cls(
            person_id=person_id,
            total_months=total["months"] if total else 0,
            unpaid_months=total["unpaid_months"] if total else 0,
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
