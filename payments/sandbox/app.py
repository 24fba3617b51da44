"""The sandbox gateway's routes: the payment page and its buttons, the merchant's daily report, and the test hooks
under /sandbox/ (pay, cancel, replay the IPN, read an order) for tests without a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from payments.gateway import PAY_PATH, REPORT_PATH, VERSION, VIETNAM, report_query, report_signing_data, sign, verify
from payments.sandbox.page import error_page, payment_page
from payments.sandbox.state import Gateway, Merchant, Order

DEFAULT_RETRY_DELAYS = (2.0, 10.0, 60.0, 300.0)


def _now() -> datetime:
    return datetime.now(VIETNAM)


def create_app(merchants: Mapping[str, Merchant] | Sequence[Merchant], *,
               retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
               now: Callable[[], datetime] = _now) -> Starlette:
    """The sandbox for `merchants` (by code); an unconfirmed IPN is sent again after each of `retry_delays`."""
    by_code = dict(merchants) if isinstance(merchants, Mapping) else {m.code: m for m in merchants}
    gateway = Gateway(by_code, retry_delays=retry_delays, now=now)

    async def open_payment(request: Request) -> Response:
        params = dict(request.query_params)
        merchant = by_code.get(params.get("vnp_TmnCode", ""))
        if merchant is None:
            return HTMLResponse(error_page("Đơn vị không tồn tại (mã lỗi 02)."), status_code=400)
        if not verify(params, merchant.secret):
            return HTMLResponse(error_page("Sai chữ ký (mã lỗi 97)."), status_code=400)
        required = ("vnp_Amount", "vnp_TxnRef", "vnp_OrderInfo", "vnp_ReturnUrl", "vnp_CreateDate")
        if (params.get("vnp_Version") != VERSION or params.get("vnp_Command") != "pay"
                or params.get("vnp_CurrCode") != "VND" or any(not params.get(key) for key in required)
                or not params["vnp_Amount"].isdigit() or int(params["vnp_Amount"]) % 100):
            return HTMLResponse(error_page("Dữ liệu gửi sang không đúng định dạng (mã lỗi 03)."), status_code=400)
        known = gateway.orders.get(params["vnp_TxnRef"])
        if known is not None and known.state != "PENDING":
            return HTMLResponse(error_page("Giao dịch đã được xử lý trước đó (mã lỗi 94)."), status_code=400)
        unsigned = {k: v for k, v in params.items() if k not in ("vnp_SecureHash", "vnp_SecureHashType")}
        order = gateway.orders[params["vnp_TxnRef"]] = Order(merchant, unsigned)
        return HTMLResponse(payment_page(merchant=merchant.code, order_ref=order.ref, amount_dong=order.amount_dong,
                                         description=params["vnp_OrderInfo"]))

    def return_location(order: Order, result: Mapping[str, str]) -> str:
        url = order.params["vnp_ReturnUrl"]
        return f"{url}{'&' if '?' in url else '?'}{urlencode(result)}"

    def settle(request: Request, *, pay: bool) -> tuple[Order, str] | Response:
        order = gateway.orders.get(request.path_params["txn_ref"])
        if order is None:
            return JSONResponse({"error": "order not found"}, status_code=404)
        return order, return_location(order, gateway.settle(order, pay=pay))

    async def browser_pay(request: Request) -> Response:
        return _redirect(settle(request, pay=True))

    async def browser_cancel(request: Request) -> Response:
        return _redirect(settle(request, pay=False))

    async def sandbox_pay(request: Request) -> Response:
        return _json(settle(request, pay=True))

    async def sandbox_cancel(request: Request) -> Response:
        return _json(settle(request, pay=False))

    async def replay_ipn(request: Request) -> Response:
        order = gateway.orders.get(request.path_params["txn_ref"])
        if order is None or order.result is None:
            return JSONResponse({"error": "no settled order"}, status_code=404)
        gateway.deliver(order)
        return JSONResponse(order.view(), status_code=202)

    async def show_order(request: Request) -> Response:
        order = gateway.orders.get(request.path_params["txn_ref"])
        if order is None:
            return JSONResponse({"error": "order not found"}, status_code=404)
        return JSONResponse(order.view())

    async def report(request: Request) -> Response:
        query = dict(request.query_params)
        merchant = by_code.get(query.get("tmn_code", ""))
        day = query.get("date", "")
        if merchant is None or not (len(day) == 8 and day.isdigit()):
            return JSONResponse({"RspCode": "02", "Message": "Invalid request"}, status_code=400)
        if not verify({**report_query(merchant.code, day), "vnp_SecureHash": query.get("secure_hash", "")},
                      merchant.secret):
            return JSONResponse({"RspCode": "97", "Message": "Invalid signature"}, status_code=403)
        rows = [{key: result[key] for key in ("vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo",
                                              "vnp_TransactionStatus", "vnp_PayDate")}
                for result in gateway.report(merchant, day)]
        params = report_signing_data(merchant.code, day, rows)
        return JSONResponse({"vnp_TmnCode": merchant.code, "vnp_ReportDate": day, "rows": rows,
                             "vnp_SecureHash": sign(params, merchant.secret)})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await gateway.close()

    routes = [
        Route(PAY_PATH, open_payment),
        Route("/paymentv2/orders/{txn_ref}/pay", browser_pay, methods=["POST"]),
        Route("/paymentv2/orders/{txn_ref}/cancel", browser_cancel, methods=["POST"]),
        Route("/sandbox/orders/{txn_ref}/pay", sandbox_pay, methods=["POST"]),
        Route("/sandbox/orders/{txn_ref}/cancel", sandbox_cancel, methods=["POST"]),
        Route("/sandbox/orders/{txn_ref}/replay-ipn", replay_ipn, methods=["POST"]),
        Route("/sandbox/orders/{txn_ref}", show_order),
        Route(REPORT_PATH, report),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.gateway = gateway
    return app


def _redirect(outcome: tuple[Order, str] | Response) -> Response:
    return outcome if isinstance(outcome, Response) else RedirectResponse(outcome[1], status_code=303)


def _json(outcome: tuple[Order, str] | Response) -> Response:
    if isinstance(outcome, Response):
        return outcome
    order, location = outcome
    return JSONResponse({**order.view(), "redirect": location})
