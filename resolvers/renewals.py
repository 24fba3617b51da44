"""`quoteRenewal`: what household BHYT or voluntary BHXH costs for a term, for a signed-in citizen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import strawberry

from auth.permissions import IsSignedIn
from core.errors import ApiError, ErrorCode
from core.policy import READS_ONLY
from core.text_ids import TextId
from core.texts import Dong, text
from db import renewal_rates as sql
from loaders.context import Info
from payments import renewal
from payments.renewal import RenewalRates
from resolvers.applications.voluntary import term as voluntary_term
from schema.ids import from_global_id
from schema.renewal import QuoteRenewalInput, RenewalKind, RenewalQuote, RenewalQuoteMember
from schema.scalars import Money

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_MEMBERS = 20


def _invalid(field: str, message_id: TextId, **params: object) -> ApiError:
    return ApiError(ErrorCode.INVALID_INPUT, text(message_id, **params), field=f"input.{field}")


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _until(start: dt.date, months: int) -> dt.date:
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _money(amount: int) -> Money:
    return Money(Decimal(amount))


def _check_term(months: int, allowed: tuple[int, ...]) -> None:
    if months not in allowed:
        raise _invalid("months", TextId.QUOTE_TERM_NOT_ALLOWED, allowed=", ".join(map(str, allowed)))


async def _members(info: Info, value: QuoteRenewalInput, viewer_id: int) -> list[strawberry.ID | None]:
    """The members as given: their IDs (each of the viewer's household, none twice), or a count of unnamed ones."""
    if (value.member_ids is None) == (value.member_count is None):
        raise _invalid("memberIds", TextId.QUOTE_MEMBERS_NEEDED, maximum=MAX_MEMBERS)
    if value.member_count is not None:
        if not 1 <= value.member_count <= MAX_MEMBERS:
            raise _invalid("memberCount", TextId.QUOTE_MEMBERS_NEEDED, maximum=MAX_MEMBERS)
        return [None] * value.member_count
    ids = value.member_ids or []
    if not 1 <= len(ids) <= MAX_MEMBERS:
        raise _invalid("memberIds", TextId.QUOTE_MEMBERS_NEEDED, maximum=MAX_MEMBERS)
    async with info.context.connection.acquire() as conn:
        household = await sql.household_ids(conn, viewer_id)
    pks = [from_global_id(member) for member in ids]
    if any(kind != "Person" or pk not in household for kind, pk in pks) or len(set(pks)) != len(pks):
        raise _invalid("memberIds", TextId.QUOTE_NOT_HOUSEHOLD_MEMBER)
    return list(ids)


def _household(rates: RenewalRates, members: list[strawberry.ID | None], months: int, start: dt.date) -> RenewalQuote:
    quote = renewal.household_quote(rates, members=len(members), months=months)
    base = rates["BASE_SALARY"]
    lines = [RenewalQuoteMember(order=line.order, person_id=member, share_percent=float(line.share_percent),
                                monthly_amount=_money(line.monthly_amount), amount=_money(line.term_amount))
             for line, member in zip(quote.members, members, strict=True)]
    names = ("BASE_SALARY", "HOUSEHOLD_BHYT_RATE", *(f"HOUSEHOLD_BHYT_SHARE_{n}" for n in range(1, 6)))
    return RenewalQuote(
        kind=RenewalKind.HOUSEHOLD_HEALTH_INSURANCE, months=months, quoted_on=rates.on, covered_from=start,
        covered_until=_until(start, months), base_salary=_money(int(base.value)),
        base_salary_legal_basis=base.legal_basis, members=lines, monthly_income=None, income_floor=None,
        income_ceiling=None, support_group=None, support_percent=None, contribution=_money(quote.total),
        state_support=_money(0), total=_money(quote.total), legal_basis=_bases(rates, names))


def _voluntary(rates: RenewalRates, value: QuoteRenewalInput, start: dt.date) -> RenewalQuote:
    if value.monthly_income is None:
        raise _invalid("monthlyIncome", TextId.QUOTE_INCOME_NEEDED)
    income = int(value.monthly_income)
    if not rates.income_floor <= income <= rates.income_ceiling:
        raise _invalid("monthlyIncome", TextId.QUOTE_INCOME_OUT_OF_RANGE,
                       floor=Dong(rates.income_floor), ceiling=Dong(rates.income_ceiling))
    group = value.support_group or renewal.SupportGroup.OTHER
    quote = renewal.voluntary_quote(rates, monthly_income=income, months=value.months, group=group)
    base = rates["BASE_SALARY"]
    names = ("BASE_SALARY", "VOLUNTARY_BHXH_RATE", "RURAL_POVERTY_LINE", "VOLUNTARY_BHXH_CEILING_MULTIPLE",
             f"VOLUNTARY_BHXH_SUPPORT_{group.value}")
    return RenewalQuote(
        kind=RenewalKind.VOLUNTARY_SOCIAL_INSURANCE, months=value.months, quoted_on=rates.on, covered_from=start,
        covered_until=_until(start, value.months), base_salary=_money(int(base.value)),
        base_salary_legal_basis=base.legal_basis, members=[], monthly_income=_money(income),
        income_floor=_money(rates.income_floor), income_ceiling=_money(rates.income_ceiling), support_group=group,
        support_percent=float(quote.support_percent), contribution=_money(quote.contribution),
        state_support=_money(quote.support), total=_money(quote.payable), legal_basis=_bases(rates, names))


def _bases(rates: RenewalRates, names: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(rates[name].legal_basis for name in names if name in rates.parameters))


@strawberry.type
class RenewalQuery:
    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="What renewing household BHYT or voluntary BHXH costs for a term, on today's parameters (no "
                    "money moves). INVALID_INPUT names the field: a term not allowed, an income out of range, a "
                    "member not of your household.",
        metadata=READS_ONLY.metadata(),  # it reads the rates and the card's end: no money moves, nothing written
    )
    async def quote_renewal(self, info: Info, input: QuoteRenewalInput) -> RenewalQuote:
        viewer_id = info.context.viewer.person_id
        assert viewer_id is not None  # IsSignedIn
        today = dt.datetime.now(VIETNAM).date()
        household = input.kind is RenewalKind.HOUSEHOLD_HEALTH_INSURANCE
        _check_term(input.months, renewal.HOUSEHOLD_TERMS if household else renewal.VOLUNTARY_TERMS)
        members = await _members(info, input, viewer_id) if household else []
        async with info.context.connection.acquire() as conn:
            rates = await sql.rates_on(conn, today)
            if household:
                end = await sql.card_end(conn, viewer_id)
                start = max(_first_of_next_month(today), _first_of_next_month(end) if end else today)
            else:
                # The months a payment would write (resolvers/applications/voluntary.py): one rule for both dates.
                start, _ = await voluntary_term(conn, viewer_id, input.months, today)
        if not rates.complete:
            raise ApiError(ErrorCode.SERVICE_UNAVAILABLE, text(TextId.QUOTE_RATES_MISSING, day=today.isoformat()))
        if household:
            return _household(rates, members, input.months, start)
        return _voluntary(rates, input, start)
