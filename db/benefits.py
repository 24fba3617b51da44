"""SQL for benefits received (thông tin hưởng)."""

from __future__ import annotations

from db.lists import KeysetList

BENEFITS = KeysetList(
    "benefits",
    "id, person_id, kind, decision_number, period_from, period_to, days, amount, paid_on, paying_agency_id",
    order="paid_on",
    order_type="date",
    owner="person_id",
    part="BENEFITS",
    filter="({value}::text is null or kind = {value})",
)
