"""The gateway's two ways back to the service: the signed server-to-server notification (IPN), the only thing that
marks a payment paid, and the browser's return, which only shows where the payment stands.

Both are GET with the gateway's signed parameters (VNPay's shape). The notification is handled in one transaction:
if the process dies before its commit, nothing of it stays, and the gateway's next attempt applies it once.
"""

from __future__ import annotations

import html
import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from auth.request import client_address
from core.settings import Settings
from core.text_ids import TextId
from core.texts import text
from db import payment_orders
from jobs.payments import gateway_config
from payments.gateway import GatewayError, InvalidSignature, IpnAnswer, parse_result
from resolvers.applications.payment import IPN_PATH, RETURN_PATH, confirm, refused
from service.state import database_of

log = logging.getLogger("vssid.payments")


async def ipn(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    config = gateway_config(settings)
    address = client_address(request)
    if config is None:
        return JSONResponse(IpnAnswer.UNKNOWN_ERROR.as_json())
    params = dict(request.query_params)
    database = database_of(request)
    try:
        result = parse_result(params, config)
    except GatewayError as error:
        reason = "invalid signature" if isinstance(error, InvalidSignature) else "malformed"
        log.warning("payment notification refused: %s", reason, extra={"fields": {"order": params.get("vnp_TxnRef")}})
        async with database.acquire() as conn:
            await refused(conn, reason, address, {"order": params.get("vnp_TxnRef", "")[:40]})
        answer = IpnAnswer.INVALID_SIGNATURE if isinstance(error, InvalidSignature) else IpnAnswer.UNKNOWN_ERROR
        return JSONResponse(answer.as_json())
    async with database.acquire() as conn, conn.transaction():
        reply = await confirm(conn, result, address)
    if reply is not IpnAnswer.CONFIRMED:
        log.info("payment notification answered %s", reply.code, extra={"fields": {"order": result.order_ref}})
    return JSONResponse(reply.as_json())


async def browser_return(request: Request) -> Response:
    """A small page for the browser the gateway sends back: the order as this service knows it (never changed)."""
    settings: Settings = request.app.state.settings
    config = gateway_config(settings)
    message = TextId.PAYMENT_RETURN_INVALID
    if config is not None:
        try:
            result = parse_result(dict(request.query_params), config)
        except GatewayError:
            result = None
        if result is not None:
            async with database_of(request).acquire() as conn:
                order = await payment_orders.by_ref(conn, result.order_ref)
            status = order["status"] if order is not None else None
            message = (
                TextId.PAYMENT_RETURN_PAID if status == "PAID"
                else TextId.PAYMENT_RETURN_PENDING if status == "OPEN" and result.succeeded
                else TextId.PAYMENT_RETURN_FAILED if order is not None
                else TextId.PAYMENT_RETURN_INVALID
            )
    title = html.escape(text(TextId.PAYMENT_RETURN_TITLE).render())
    body = html.escape(text(message).render())
    page = (
        f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"
    )
    return HTMLResponse(page, status_code=200 if message is not TextId.PAYMENT_RETURN_INVALID else 400)


ROUTES = [Route(IPN_PATH, ipn, methods=["GET"]), Route(RETURN_PATH, browser_return, methods=["GET"])]
