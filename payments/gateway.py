"""The merchant's side of a VNPay-shaped gateway (protocol 2.1.0).

The merchant sends the buyer's browser to a payment URL whose parameters are signed; the gateway redirects the browser
back to the return URL (signed, for display only) and calls the merchant's IPN URL server to server (signed, the only
trusted confirmation, answered with `IpnAnswer.as_json()`; it may come more than once). The signature is the hex
HMAC-SHA512, under the merchant's secret, of the parameters other than the hash itself, sorted by name and written as
a URL-encoded query string (`k=v&...`, values encoded as by a form: space as `+`). Amounts travel as đồng × 100.
Times are Vietnam's local time (GMT+7), `yyyyMMddHHmmss`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar
from urllib.parse import quote_plus

import httpx

VERSION = "2.1.0"
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
VIETNAM = timezone(timedelta(hours=7), "ICT")
TIME_FORMAT = "%Y%m%d%H%M%S"
PAY_PATH = "/paymentv2/vpcpay.html"
REPORT_PATH = "/merchant_webapi/report"
SUCCESS = "00"


class GatewayError(Exception):
    """What the gateway sent cannot be trusted or read."""


class InvalidSignature(GatewayError):  # noqa: N818 (the name agreed with the orders' side, issue 14)
    """The parameters are not signed with the merchant's secret (forged, tampered, or no hash at all)."""


class MalformedResult(GatewayError):  # noqa: N818 (the name agreed with the orders' side, issue 14)
    """Signed, but a required parameter is missing or unreadable."""


@dataclass(frozen=True)
class GatewayConfig:
    base_url: str  # the gateway's origin, e.g. "http://127.0.0.1:8123"
    merchant_code: str  # vnp_TmnCode
    secret: str  # vnp_HashSecret


def signing_data(params: Mapping[str, str]) -> str:
    """The string that is signed: every parameter but the hash, sorted by name, URL-encoded."""
    return "&".join(f"{quote_plus(key)}={quote_plus(str(params[key]))}"
                    for key in sorted(params) if key not in HASH_FIELDS)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), signing_data(params).encode(), hashlib.sha512).hexdigest()


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = params.get("vnp_SecureHash")
    if not given:
        return False
    return hmac.compare_digest(given.lower().encode(), sign(params, secret).encode())


def signed(params: Mapping[str, str], secret: str) -> dict[str, str]:
    """`params` with their `vnp_SecureHash` added."""
    return {**params, "vnp_SecureHash": sign(params, secret)}


def gateway_time(moment: datetime) -> str:
    """`moment` (aware) as the gateway writes it: local time of Vietnam, yyyyMMddHHmmss."""
    return moment.astimezone(VIETNAM).strftime(TIME_FORMAT)


def parse_gateway_time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=VIETNAM)


def payment_url(config: GatewayConfig, *, order_ref: str, amount_dong: int, description: str, return_url: str,
                client_ip: str, created_at: datetime, expires_at: datetime, locale: str = "vn") -> str:
    """Where to send the buyer's browser to pay `amount_dong` for `order_ref` (vnp_TxnRef, unique per merchant)."""
    if amount_dong <= 0:
        raise ValueError("amount_dong must be positive")
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": config.merchant_code,
        "vnp_Amount": str(amount_dong * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": order_ref,
        "vnp_OrderInfo": description,
        "vnp_OrderType": "other",
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": client_ip,
        "vnp_CreateDate": gateway_time(created_at),
        "vnp_ExpireDate": gateway_time(expires_at),
    }
    query = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in sorted(params.items()))
    return f"{config.base_url.rstrip('/')}{PAY_PATH}?{query}&vnp_SecureHash={sign(params, config.secret)}"


@dataclass(frozen=True)
class GatewayResult:
    order_ref: str
    amount_dong: int
    response_code: str  # vnp_ResponseCode: "00" paid, "24" cancelled by the buyer, ...
    transaction_status: str  # vnp_TransactionStatus: "00" succeeded at the gateway
    transaction_no: str  # the gateway's number of the transaction ("0" when nothing was paid)
    bank_code: str
    paid_at: datetime | None

    @property
    def succeeded(self) -> bool:
        return self.response_code == SUCCESS and self.transaction_status == SUCCESS


def parse_result(params: Mapping[str, str], config: GatewayConfig) -> GatewayResult:
    """The browser's return or the IPN, once its signature is checked (`InvalidSignature`, `MalformedResult`)."""
    if not verify(params, config.secret):
        raise InvalidSignature
    try:
        if params["vnp_TmnCode"] != config.merchant_code:
            raise MalformedResult("vnp_TmnCode")
        hundredths = int(params["vnp_Amount"])
        if hundredths < 0 or hundredths % 100:
            raise MalformedResult("vnp_Amount")
        pay_date = params.get("vnp_PayDate")
        return GatewayResult(
            order_ref=params["vnp_TxnRef"],
            amount_dong=hundredths // 100,
            response_code=params["vnp_ResponseCode"],
            transaction_status=params.get("vnp_TransactionStatus", params["vnp_ResponseCode"]),
            transaction_no=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            paid_at=parse_gateway_time(pay_date) if pay_date else None,
        )
    except (KeyError, ValueError) as error:
        raise MalformedResult(str(error)) from error


@dataclass(frozen=True)
class IpnReply:
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


class IpnAnswer:
    """The merchant's answers to an IPN, as the gateway reads them (it retries until 00 or 02)."""

    CONFIRMED: ClassVar[IpnReply] = IpnReply("00", "Confirm Success")
    ORDER_NOT_FOUND: ClassVar[IpnReply] = IpnReply("01", "Order not found")
    ALREADY_CONFIRMED: ClassVar[IpnReply] = IpnReply("02", "Order already confirmed")
    INVALID_AMOUNT: ClassVar[IpnReply] = IpnReply("04", "invalid amount")
    INVALID_SIGNATURE: ClassVar[IpnReply] = IpnReply("97", "Invalid signature")
    UNKNOWN_ERROR: ClassVar[IpnReply] = IpnReply("99", "Unknow error")  # sic: the gateway's own spelling


@dataclass(frozen=True)
class ReportRow:
    order_ref: str
    amount_dong: int
    transaction_no: str
    status: str  # "00" paid, "02" failed or cancelled (vnp_TransactionStatus)
    paid_at: datetime | None


def report_row_fields(row: Mapping[str, Any]) -> dict[str, str]:
    """A report row as the signed strings it travels as."""
    return {key: str(row[key]) for key in ("vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo",
                                           "vnp_TransactionStatus", "vnp_PayDate")}


def report_signing_data(merchant_code: str, day: str, rows: list[dict[str, str]]) -> dict[str, str]:
    """The report is signed as one parameter set: its merchant, day and rows in order (row N's fields as `N.name`)."""
    params = {"vnp_TmnCode": merchant_code, "vnp_ReportDate": day, "vnp_RowCount": str(len(rows))}
    for index, row in enumerate(rows):
        params.update({f"{index:06d}.{key}": value for key, value in row.items()})
    return params


def report_query(merchant_code: str, day: str) -> dict[str, str]:
    """The report request's parameters that its `secure_hash` signs (the hash of `sign`)."""
    return {"tmn_code": merchant_code, "date": day}


async def fetch_report(config: GatewayConfig, day: date, client: httpx.AsyncClient) -> list[ReportRow]:
    """The gateway's transactions of `day` (Vietnam's calendar) for this merchant, its signature checked.

    Raises `GatewayError` when the gateway refuses the request, `InvalidSignature` or `MalformedResult` for its answer;
    `httpx.HTTPError` when it cannot be reached."""
    day_text = day.strftime("%Y%m%d")
    query = report_query(config.merchant_code, day_text)
    query["secure_hash"] = sign(query, config.secret)
    response = await client.get(f"{config.base_url.rstrip('/')}{REPORT_PATH}", params=query)
    if response.status_code != 200:
        raise GatewayError(f"report refused: {response.status_code} {response.text[:200]}")
    try:
        body = response.json()
        rows = [report_row_fields(row) for row in body["rows"]]
        params = report_signing_data(str(body["vnp_TmnCode"]), str(body["vnp_ReportDate"]), rows)
        if body["vnp_TmnCode"] != config.merchant_code or body["vnp_ReportDate"] != day_text:
            raise MalformedResult("report for another merchant or day")
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedResult(str(error)) from error
    if not verify({**params, "vnp_SecureHash": str(body.get("vnp_SecureHash", ""))}, config.secret):
        raise InvalidSignature
    try:
        return [ReportRow(order_ref=row["vnp_TxnRef"], amount_dong=int(row["vnp_Amount"]) // 100,
                          transaction_no=row["vnp_TransactionNo"], status=row["vnp_TransactionStatus"],
                          paid_at=parse_gateway_time(row["vnp_PayDate"]) if row["vnp_PayDate"] else None)
                for row in rows]
    except ValueError as error:
        raise MalformedResult(str(error)) from error
