"""SQL for benefits received (thông tin hưởng)."""

from __future__ import annotations

from db.personal import PersonalList

BENEFITS = PersonalList(
    "benefits",
    "id, person_id, kind, decision_number, period_from, period_to, days, amount, paid_on, paying_agency_id",
    order="paid_on",
    order_type="date",
    filter="($2::text is null or kind = $2)",
)
