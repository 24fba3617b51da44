"""The renewal quote (báo giá gia hạn): what household BHYT or voluntary BHXH costs for a term, before any money
moves. The amounts come from payments/renewal.py on the parameters in force (db/renewal_rates.py)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from payments import renewal
from schema.scalars import Money

SupportGroup = strawberry.enum(
    renewal.SupportGroup,
    description="Whom the state supports in paying voluntary BHXH: poor or near-poor households, ethnic minorities, "
                "everyone else (the share is data, by date).",
)


@strawberry.enum(description="What is renewed.")
class RenewalKind(enum.Enum):
    HOUSEHOLD_HEALTH_INSURANCE = "HOUSEHOLD_HEALTH_INSURANCE"  # BHYT hộ gia đình
    VOLUNTARY_SOCIAL_INSURANCE = "VOLUNTARY_SOCIAL_INSURANCE"  # BHXH tự nguyện


@strawberry.input(description="What to quote. Household BHYT: `memberIds` or `memberCount`, and 3, 6 or 12 months. "
                              "Voluntary BHXH: `monthlyIncome`, `supportGroup` and 1, 3, 6 or 12 months.")
class QuoteRenewalInput:
    kind: RenewalKind
    months: int = strawberry.field(description="The term: 3, 6 or 12 (household BHYT); 1, 3, 6 or 12 (voluntary BHXH).")
    member_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Household BHYT: the members as the records know them (you, and the children you guard), "
                    "in the order they are counted.")
    member_count: int | None = strawberry.field(
        default=None, description="Household BHYT: or just the number of members (1 to 20).")
    monthly_income: Money | None = strawberry.field(
        default=None, description="Voluntary BHXH: the monthly income chosen, from the rural poverty line to 20 "
                                  "times the base salary.")
    support_group: SupportGroup | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Voluntary BHXH: the group for the state's support (OTHER when not given).")


@strawberry.type(description="One member's line of a household BHYT quote.")
class RenewalQuoteMember:
    order: int = strawberry.field(description="1 for the first member, who pays the full rate.")
    person_id: strawberry.ID | None = strawberry.field(description="The member, when chosen by ID.")
    share_percent: float = strawberry.field(description="Share of the first member's amount: 100, 70, 60, 50, 40.")
    monthly_amount: Money = strawberry.field(description="A month, rounded to the đồng.")
    amount: Money = strawberry.field(description="For the term: the monthly amount times the months.")


@strawberry.type(description="What a renewal costs, before any money moves. Amounts are whole đồng: each monthly "
                             "amount is rounded half up to the đồng, a term's amount is it times the months.")
class RenewalQuote:
    kind: RenewalKind
    months: int
    quoted_on: dt.date = strawberry.field(description="The day whose parameters apply (today in Vietnam).")
    covered_from: dt.date = strawberry.field(
        description="First day paid for: household BHYT from the first of the month after your current card ends "
                    "(next month at the earliest); voluntary BHXH from the month after your last paid month, never "
                    "before the current one (the months a payment now would cover).")
    covered_until: dt.date = strawberry.field(description="Last day paid for.")
    base_salary: Money = strawberry.field(description="Lương cơ sở in force.")
    base_salary_legal_basis: str
    members: list[RenewalQuoteMember] = strawberry.field(description="Household BHYT: one line per member.")
    monthly_income: Money | None = strawberry.field(description="Voluntary BHXH: the income chosen.")
    income_floor: Money | None = strawberry.field(description="Voluntary BHXH: the lowest income (rural poverty line).")
    income_ceiling: Money | None = strawberry.field(description="Voluntary BHXH: the highest income.")
    support_group: SupportGroup | None  # type: ignore[valid-type]
    support_percent: float | None = strawberry.field(
        description="Voluntary BHXH: the state's share of the contribution on the rural poverty line.")
    contribution: Money = strawberry.field(description="The whole contribution for the term.")
    state_support: Money = strawberry.field(description="What the state pays of it (0 for household BHYT).")
    total: Money = strawberry.field(description="What you pay: the contribution less the state's support.")
    legal_basis: list[str] = strawberry.field(description="The texts the rates come from.")
