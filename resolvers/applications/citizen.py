"""The citizen's root fields: submit and cancel (reading is `Person.applications`)."""

from __future__ import annotations

import datetime as dt

import asyncpg
import strawberry

from auth.permissions import IsSignedIn
from auth.refusal import Refusal
from core.errors import ApiError, ErrorCode
from core.policy import PRIVATE
from core.text_ids import TextId
from core.texts import text
from jobs.payments import gateway_config
from loaders.context import Info
from resolvers.applications import lifecycle, payment
from resolvers.applications.quarters import today_in_vietnam
from resolvers.mutation import run_mutation, user_error
from schema.application import Application, ApplicationPayload, SubmitApplicationInput
from schema.errors import UserError
from schema.ids import from_global_id
from schema.payment import PaymentOrder, PaymentPayload

TYPE_NAME = "Application"


def application_pk(global_id: str) -> int | None:
    """The application's key in an ID this API gave out; None for any other ID."""
    try:
        type_name, pk = from_global_id(global_id)
    except ApiError:
        return None
    return pk if type_name == TYPE_NAME else None


def invalid_id() -> ApplicationPayload:
    return ApplicationPayload(
        errors=[UserError(code=ErrorCode.INVALID_ID, message=text(TextId.NOT_AN_ID).render(), field="id")]
    )


def answer(result: asyncpg.Record | Refusal) -> ApplicationPayload:
    if isinstance(result, Refusal):
        return ApplicationPayload(errors=[user_error(result)])
    return ApplicationPayload(application=Application.from_row(result))


@strawberry.type
class ApplicationCitizenMutation:
    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="Apply for a public service (exactly one kind). A renewal (household BHYT, voluntary "
        "BHXH) waits for payment (payApplication); the other kinds wait for the competent agency's decision.",
        metadata=PRIVATE.metadata(),
    )
    async def submit_application(self, info: Info, input: SubmitApplicationInput) -> ApplicationPayload:
        viewer = info.context.viewer
        person_id = viewer.person_id
        assert person_id is not None  # IsSignedIn guards the field
        chosen = input.kind_and_request()
        if chosen is None:
            one_kind = UserError(code=ErrorCode.INVALID_INPUT, message=text(TextId.APPLICATION_ONE_KIND).render())
            return ApplicationPayload(errors=[one_kind])
        kind, request = chosen
        today = today_in_vietnam()
        result = await run_mutation(
            info,
            lambda conn: lifecycle.submit(
                conn, person_id, input.idempotency_key, kind, request, address=viewer.client_address, today=today
            ),
        )
        return answer(result)

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="Withdraw an application before the agency takes it into review (or before it is paid).",
        metadata=PRIVATE.metadata(),
    )
    async def cancel_application(self, info: Info, id: strawberry.ID) -> ApplicationPayload:
        viewer = info.context.viewer
        person_id = viewer.person_id
        assert person_id is not None  # IsSignedIn guards the field
        pk = application_pk(id)
        if pk is None:
            return invalid_id()
        result = await run_mutation(info, lambda conn: lifecycle.cancel(conn, person_id, pk, viewer.client_address))
        return answer(result)

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="The payment URL of an application awaiting payment (a renewal), for the app to open. "
        "Asking again while the order is open returns the same order and URL. Only the gateway's confirmation "
        "marks it paid: follow the application (or the inbox) for the result.",
        metadata=PRIVATE.metadata(),
    )
    async def pay_application(self, info: Info, id: strawberry.ID) -> PaymentPayload:
        viewer = info.context.viewer
        assert viewer.person_id is not None  # IsSignedIn guards the field
        pk = application_pk(id)
        if pk is None:
            return PaymentPayload(errors=invalid_id().errors)
        config = gateway_config(info.context.settings)
        if config is None:
            unavailable = text(TextId.PAYMENT_UNAVAILABLE).render()
            return PaymentPayload(errors=[UserError(code=ErrorCode.PAYMENT_UNAVAILABLE, message=unavailable)])
        base = str(info.context.request.base_url).rstrip("/")
        payer = payment.Payer(viewer.person_id, viewer.client_address or "127.0.0.1", base + payment.RETURN_PATH)
        now = dt.datetime.now(dt.UTC)
        result = await run_mutation(info, lambda conn: payment.start(conn, config, payer, pk, now))
        if isinstance(result, Refusal):
            return PaymentPayload(errors=[user_error(result)])
        return PaymentPayload(payment=PaymentOrder.from_row(result))
