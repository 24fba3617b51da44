"""Đóng BHXH tự nguyện: the person pays voluntary BHXH for 1, 3, 6 or 12 months on a monthly income they choose
(within the floor and ceiling), less the state's support for their group; the amount is the quote at submission
(payments/renewal.py), stored. When the gateway confirms the payment, one PAID period of scheme BHXH_VOLUNTARY is
written for each month of the term, from the month after the person's latest voluntary month, or the current month.

Which support group the records can confirm: POOR with a BHYT card of group HN (hộ nghèo), NEAR_POOR with group CN
(hộ cận nghèo), OTHER for everyone. The records do not tell ethnicity, so ETHNIC_MINORITY is confirmed at the agency,
not online. Someone compulsorily insured in a month of the term cannot pay voluntary BHXH for it (Luật BHXH 2024,
art. 2: voluntary participants are those not in compulsory insurance)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import Dong, text
from db import application_effects as effects
from db import renewal_rates, voluntary
from payments import renewal
from payments.renewal import SupportGroup
from resolvers.applications.kinds import Kind, Prepared, Request

FIELD = "voluntaryRenewal"
# The card group that shows the records know the person's household as poor or near-poor.
GROUP_BY_CARD = {SupportGroup.POOR: "HN", SupportGroup.NEAR_POOR: "CN"}


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _label(month: dt.date | None) -> str | None:
    return None if month is None else f"{month.month:02d}/{month.year}"


async def term(conn: asyncpg.Connection, person_id: int, months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last month the term covers: after the latest voluntary month, never before the current one."""
    last = await voluntary.last_voluntary_month(conn, person_id)
    first = today.replace(day=1)
    if last is not None:
        first = max(first, add_months(last, 1))
    return first, add_months(first, months - 1)


async def _check_group(conn: asyncpg.Connection, person_id: int, group: SupportGroup) -> None:
    if group is SupportGroup.OTHER:
        return
    card = await effects.latest_card(conn, person_id)
    if group not in GROUP_BY_CARD or card is None or card["group_code"] != GROUP_BY_CARD[group]:
        raise Refusal(ErrorCode.SUPPORT_GROUP_NOT_ELIGIBLE, text(TextId.VOLUNTARY_GROUP_NOT_CONFIRMED),
                      f"{FIELD}.supportGroup")


async def prepare(conn: asyncpg.Connection, person_id: int, request: Request, today: dt.date) -> Prepared:
    months = request.get("termMonths")
    if months not in renewal.VOLUNTARY_TERMS:
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.VOLUNTARY_TERM), f"{FIELD}.termMonths")
    rates = await renewal_rates.rates_on(conn, today)
    if not rates.complete:
        raise Refusal(ErrorCode.SERVICE_UNAVAILABLE, text(TextId.QUOTE_RATES_MISSING, day=today.isoformat()))
    income = request.get("monthlyIncome")
    if not isinstance(income, int) or not rates.income_floor <= income <= rates.income_ceiling:
        out_of_range = text(TextId.QUOTE_INCOME_OUT_OF_RANGE, floor=Dong(rates.income_floor),
                            ceiling=Dong(rates.income_ceiling))
        raise Refusal(ErrorCode.INVALID_INPUT, out_of_range, f"{FIELD}.monthlyIncome")
    group = SupportGroup(request.get("supportGroup"))
    await _check_group(conn, person_id, group)
    first, last = await term(conn, person_id, months, today)
    compulsory = await voluntary.first_compulsory_month(conn, person_id, first, last)
    if compulsory is not None:
        raise Refusal(ErrorCode.COMPULSORILY_INSURED,
                      text(TextId.VOLUNTARY_COMPULSORY_IN_TERM, month=_label(compulsory)), FIELD)
    quote = renewal.voluntary_quote(rates, monthly_income=income, months=months, group=group)
    paid_until = await voluntary.last_voluntary_month(conn, person_id)
    return Prepared(
        {
            "request": {"monthlyIncome": income, "supportGroup": group.value, "termMonths": months},
            "termMonths": months,
            "monthlyIncome": income,
            "monthlyPaid": quote.monthly_contribution - quote.monthly_support,
            "monthlySupport": quote.monthly_support,
            "before": {"paidUntil": _label(paid_until)},
            "after": {"paidUntil": _label(last)},
        },
        amount_dong=quote.payable,
    )


async def apply(conn: asyncpg.Connection, person_id: int, stored: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The term's months as PAID voluntary periods, counted from the records on the day of payment (a term paid
    meanwhile by another application moves this one on, so no month is paid twice; the person's row is locked so
    that two payments confirmed at once write one term after the other)."""
    await voluntary.lock_person(conn, person_id)
    before = await voluntary.last_voluntary_month(conn, person_id)
    first, last = await term(conn, person_id, stored["termMonths"], today)
    written = await voluntary.insert_months(
        conn, person_id, income=stored["monthlyIncome"], paid=stored["monthlyPaid"], support=stored["monthlySupport"],
        application_id=stored["applicationId"], first=first, last=last,
    )
    return {
        "before": {"paidUntil": _label(before)}, "after": {"paidUntil": _label(last)},
        "fromMonth": first.isoformat(), "toMonth": last.isoformat(), "termMonths": written,
        "monthlyIncome": stored["monthlyIncome"], "stateSupport": stored["monthlySupport"] * written,
    }


KIND = Kind("VOLUNTARY_RENEWAL", prepare, apply, paid=True)
