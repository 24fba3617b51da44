"""The lifecycle of an application, one transaction per change, each change a row of application_transitions.

    SUBMITTED --citizen--> CANCELLED                      (before review)
    SUBMITTED --officer--> IN_REVIEW --officer--> APPROVED (the effect applied) | REJECTED (reason)
    HOUSEHOLD_RENEWAL: SUBMITTED --system--> AWAITING_PAYMENT --gateway--> PAID --system--> APPROVED (cards extended)
    VOLUNTARY_RENEWAL: the same, APPROVED once the term's voluntary BHXH months are written
                       AWAITING_PAYMENT --citizen--> CANCELLED (before it is paid)

An officer who decides an application still SUBMITTED takes it into review in the same transaction (both rows are
written). Only the gateway's signed notification (service/payments.py) moves an application to PAID.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from auth.refusal import Refusal
from core.errors import ErrorCode
from core.text_ids import TextId
from core.texts import Language, text
from db import applications as sql
from db import audit, payment_orders
from db.application_notices import notify
from resolvers.applications import correction, facility_change, reissue, renewal, voluntary
from resolvers.applications.kinds import Kind, Request
from resolvers.applications.quarters import VIETNAM

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (facility_change.KIND, reissue.KIND, correction.KIND, renewal.KIND, voluntary.KIND)
}
MAX_REASON = 500
KEY_LENGTH = (8, 100)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who moves an application: CITIZEN and AGENCY_OFFICER name a person, GATEWAY a transaction, SYSTEM nobody."""

    kind: str
    person_id: int | None = None
    ref: str | None = None
    address: str | None = None
    agency_id: int | None = None


def stored(value: str | dict[str, Any] | None) -> dict[str, Any]:
    """A jsonb column as Python (asyncpg hands jsonb over as its text)."""
    if value is None:
        return {}
    return value if isinstance(value, dict) else dict(orjson.loads(value))


async def move(
    conn: asyncpg.Connection, row: asyncpg.Record, to: str, actor: Actor, *, reason: str | None = None,
    effect: dict[str, Any] | None = None,
) -> asyncpg.Record:
    """The status change and its transition row, in the caller's transaction."""
    moved = await sql.set_status(conn, row, to, reason=reason, effect=effect)
    await sql.record_transition(
        conn, row, row["status"], to, actor_kind=actor.kind, actor_id=actor.person_id, actor_ref=actor.ref,
        reason=reason,
    )
    return moved


def _check_key(key: str) -> str:
    key = key.strip()
    if not KEY_LENGTH[0] <= len(key) <= KEY_LENGTH[1] or not key.isprintable():
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.APPLICATION_KEY_FORMAT), "idempotencyKey")
    return key


def _same_or_refuse(row: asyncpg.Record, kind: str, request: Request) -> asyncpg.Record:
    if row["kind"] != kind or stored(row["input"]).get("sent") != dict(request):
        raise Refusal(ErrorCode.IDEMPOTENCY_KEY_REUSED, text(TextId.APPLICATION_KEY_REUSED), "idempotencyKey")
    return row


async def submit(
    conn: asyncpg.Connection, person_id: int, key: str, kind_name: str, request: Request, *, address: str | None,
    today: dt.date,
) -> asyncpg.Record:
    """The application; the same key with the same request is the first application again (a phone's retry)."""
    key = _check_key(key)
    kind = KINDS[kind_name]
    existing = await sql.by_key(conn, person_id, key)
    if existing is not None:
        return _same_or_refuse(existing, kind_name, request)
    prepared = await kind.prepare(conn, person_id, request, today)
    agency_id = await sql.competent_agency(conn, person_id)
    assert agency_id is not None  # every province has its social insurance agency (reference data)
    row = await sql.insert(
        conn, person_id=person_id, kind=kind_name, status="SUBMITTED", agency_id=agency_id,
        input=prepared.input | {"sent": dict(request)},
        amount_dong=prepared.amount_dong, key=key,
    )
    if row is None:  # a twin of this submit committed first
        twin = await sql.by_key(conn, person_id, key)
        assert twin is not None
        return _same_or_refuse(twin, kind_name, request)
    citizen = Actor("CITIZEN", person_id, address=address)
    await sql.record_transition(conn, row, None, "SUBMITTED", actor_kind="CITIZEN", actor_id=person_id)
    if kind.paid:
        row = await move(conn, row, "AWAITING_PAYMENT", Actor("SYSTEM"))
    await _audit(conn, "application_submitted", row, citizen)
    return row


async def cancel(conn: asyncpg.Connection, person_id: int, application_id: int, address: str | None) -> asyncpg.Record:
    row = await sql.own_for_update(conn, person_id, application_id)
    if row is None:
        raise Refusal(ErrorCode.NOT_FOUND, text(TextId.APPLICATION_NOT_FOUND), "id")
    if row["status"] not in ("SUBMITTED", "AWAITING_PAYMENT"):
        raise Refusal(ErrorCode.NOT_CANCELLABLE, text(TextId.APPLICATION_NOT_CANCELLABLE), "id")
    citizen = Actor("CITIZEN", person_id, address=address)
    await payment_orders.cancel_open(conn, person_id, application_id)
    row = await move(conn, row, "CANCELLED", citizen)
    await _audit(conn, "application_cancelled", row, citizen)
    return row


async def _for_officer(conn: asyncpg.Connection, application_id: int, officer: Actor) -> asyncpg.Record:
    """The application locked, if it belongs to the officer's agency: another agency's is simply not found."""
    assert officer.agency_id is not None
    row = await sql.agency_for_update(conn, application_id, officer.agency_id)
    if row is None:
        raise Refusal(ErrorCode.NOT_FOUND, text(TextId.APPLICATION_NOT_FOUND), "id")
    if KINDS[row["kind"]].paid:
        raise Refusal(ErrorCode.DECIDED_BY_PAYMENT, text(TextId.APPLICATION_DECIDED_BY_PAYMENT), "id")
    return row


async def review(conn: asyncpg.Connection, application_id: int, officer: Actor) -> asyncpg.Record:
    """Take into review (tiếp nhận): the citizen can no longer cancel. Again on one in review: no change."""
    row = await _for_officer(conn, application_id, officer)
    if row["status"] == "IN_REVIEW":
        return row
    if row["status"] != "SUBMITTED":
        raise Refusal(ErrorCode.ALREADY_DECIDED, text(TextId.APPLICATION_DECIDED), "id")
    return await move(conn, row, "IN_REVIEW", officer)


async def decide(
    conn: asyncpg.Connection, application_id: int, officer: Actor, *, approve: bool, reason: str | None,
    today: dt.date,
) -> asyncpg.Record:
    """Approve (the kind's effect, in this transaction) or reject with a reason; the person is told either way."""
    if reason is not None:
        reason = " ".join(reason.split())
    if not approve and (not reason or len(reason) > MAX_REASON or "\x00" in reason):
        raise Refusal(ErrorCode.INVALID_INPUT, text(TextId.APPLICATION_REASON_LENGTH, maximum=MAX_REASON), "reason")
    row = await _for_officer(conn, application_id, officer)
    if row["status"] not in ("SUBMITTED", "IN_REVIEW"):
        raise Refusal(ErrorCode.ALREADY_DECIDED, text(TextId.APPLICATION_DECIDED), "id")
    if row["status"] == "SUBMITTED":
        row = await move(conn, row, "IN_REVIEW", officer)
    if approve:
        effect = await KINDS[row["kind"]].apply(conn, row["person_id"], stored(row["input"]), today)
        row = await move(conn, row, "APPROVED", officer, effect=effect)
    else:
        row = await move(conn, row, "REJECTED", officer, reason=reason)
    await tell_decision(conn, row)
    await _audit(conn, "application_approved" if approve else "application_rejected", row, officer)
    return row


async def apply_paid(
    conn: asyncpg.Connection, row: asyncpg.Record, transaction_no: str, today: dt.date
) -> asyncpg.Record:
    """The gateway confirmed the payment: PAID, the effect, APPROVED, in the caller's (the notification's)
    transaction. The caller holds the row locked and has checked it is AWAITING_PAYMENT."""
    row = await move(conn, row, "PAID", Actor("GATEWAY", ref=transaction_no))
    paid = stored(row["input"]) | {"applicationId": row["id"]}
    effect = await KINDS[row["kind"]].apply(conn, row["person_id"], paid, today)
    row = await move(conn, row, "APPROVED", Actor("SYSTEM"), effect=effect)
    await tell_decision(conn, row)
    await _audit(conn, "application_paid", row, Actor("GATEWAY", ref=transaction_no))
    return row


async def tell_decision(conn: asyncpg.Connection, row: asyncpg.Record) -> None:
    """The decision in the person's inbox (stored in Vietnamese, as every inbox message), by SMS and e-mail."""
    kind = text(TextId[f"APPLICATION_KIND_{row['kind']}"])
    submitted = row["submitted_at"].astimezone(VIETNAM).strftime("%d/%m/%Y")
    if row["status"] == "APPROVED":
        title = text(TextId.NOTICE_APPLICATION_APPROVED_TITLE)
        body = text(TextId.NOTICE_APPLICATION_APPROVED_BODY, kind=kind, submitted=submitted)
    else:
        title = text(TextId.NOTICE_APPLICATION_REJECTED_TITLE)
        body = text(
            TextId.NOTICE_APPLICATION_REJECTED_BODY, kind=kind, submitted=submitted, reason=row["rejection_reason"]
        )
    await notify(
        conn, person_id=row["person_id"], kind="APPLICATION_DECISION", application_id=row["id"],
        period=row["status"], title=title.render(Language.VI), body=body.render(Language.VI),
    )


async def _audit(conn: asyncpg.Connection, event: str, row: asyncpg.Record, actor: Actor) -> None:
    await audit.record_event(
        conn, event, actor_kind="SYSTEM" if actor.kind == "GATEWAY" else actor.kind,
        actor_ref=actor.ref or (str(actor.person_id) if actor.person_id else None), person_id=row["person_id"],
        client_address=actor.address, details={"application": row["id"], "kind": row["kind"]},
    )
