"""The merchant's side of the gateway protocol: signatures, the payment URL, reading a result."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from payments.gateway import (
    VIETNAM,
    GatewayConfig,
    InvalidSignature,
    IpnAnswer,
    MalformedResult,
    parse_result,
    payment_url,
    sign,
    signed,
    verify,
)

CONFIG = GatewayConfig(base_url="http://gateway.test", merchant_code="VSSIDT01", secret="SECRETKEY123")
CREATED = datetime(2026, 12, 5, 9, 30, 0, tzinfo=VIETNAM)


def _result(**changes: str) -> dict[str, str]:
    params = {"vnp_Amount": "126360000", "vnp_BankCode": "NCB", "vnp_OrderInfo": "Gia han BHYT",
              "vnp_PayDate": "20261205093512", "vnp_ResponseCode": "00", "vnp_TmnCode": "VSSIDT01",
              "vnp_TransactionNo": "14123456", "vnp_TransactionStatus": "00", "vnp_TxnRef": "HGD-1", **changes}
    return signed(params, CONFIG.secret)


def test_the_signature_is_hmac_sha512_over_the_sorted_url_encoded_parameters() -> None:
    params = {"vnp_TxnRef": "A 1", "vnp_Amount": "1000000", "vnp_OrderInfo": "Nộp tiền"}
    by_hand = "vnp_Amount=1000000&vnp_OrderInfo=N%E1%BB%99p+ti%E1%BB%81n&vnp_TxnRef=A+1"
    expected = hmac.new(b"SECRETKEY123", by_hand.encode(), hashlib.sha512).hexdigest()
    assert sign(params, "SECRETKEY123") == expected
    # the hash fields themselves are not signed
    assert sign({**params, "vnp_SecureHashType": "HmacSHA512"}, "SECRETKEY123") == expected


def test_verify_refuses_a_missing_hash_another_secret_and_a_changed_value() -> None:
    params = signed({"vnp_TxnRef": "A1", "vnp_Amount": "100"}, "k1")
    assert verify(params, "k1")
    assert not verify(params, "k2")
    assert not verify({**params, "vnp_Amount": "200"}, "k1")
    assert not verify({"vnp_TxnRef": "A1", "vnp_Amount": "100"}, "k1")


def test_the_payment_url_carries_the_amount_times_100_and_a_valid_signature() -> None:
    url = payment_url(CONFIG, order_ref="HGD-1", amount_dong=1_263_600, description="Gia hạn BHYT hộ gia đình",
                      return_url="https://app.test/return?x=1", client_ip="10.0.0.7", created_at=CREATED,
                      expires_at=CREATED + timedelta(minutes=15))
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://gateway.test/paymentv2/vpcpay.html"
    params = dict(parse_qsl(parts.query))
    assert verify(params, CONFIG.secret)
    assert params["vnp_Amount"] == "126360000"
    assert params["vnp_CreateDate"] == "20261205093000" and params["vnp_ExpireDate"] == "20261205094500"
    assert (params["vnp_Version"], params["vnp_Command"], params["vnp_CurrCode"], params["vnp_Locale"]) == (
        "2.1.0", "pay", "VND", "vn")
    assert params["vnp_ReturnUrl"] == "https://app.test/return?x=1"
    assert params["vnp_OrderInfo"] == "Gia hạn BHYT hộ gia đình"


def test_times_are_written_in_vietnam_time() -> None:
    utc = datetime(2026, 12, 5, 2, 30, tzinfo=UTC)
    url = payment_url(CONFIG, order_ref="X", amount_dong=1, description="d", return_url="r", client_ip="1",
                      created_at=utc, expires_at=utc + timedelta(minutes=15))
    params = dict(parse_qsl(urlsplit(url).query))
    assert (params["vnp_CreateDate"], params["vnp_ExpireDate"]) == ("20261205093000", "20261205094500")


def test_a_result_round_trips_the_amount_in_dong() -> None:
    result = parse_result(_result(), CONFIG)
    assert result.amount_dong == 1_263_600 and result.order_ref == "HGD-1" and result.succeeded
    assert result.paid_at == datetime(2026, 12, 5, 9, 35, 12, tzinfo=VIETNAM)
    assert result.transaction_no == "14123456" and result.bank_code == "NCB"


def test_a_cancelled_payment_has_not_succeeded() -> None:
    result = parse_result(_result(vnp_ResponseCode="24", vnp_TransactionStatus="02", vnp_TransactionNo="0"), CONFIG)
    assert not result.succeeded


def test_a_tampered_result_is_an_invalid_signature() -> None:
    tampered = {**_result(), "vnp_Amount": "100"}
    with pytest.raises(InvalidSignature):
        parse_result(tampered, CONFIG)
    with pytest.raises(InvalidSignature):
        parse_result({k: v for k, v in _result().items() if k != "vnp_SecureHash"}, CONFIG)


@pytest.mark.parametrize("changes", [{"vnp_Amount": "12.5"}, {"vnp_Amount": "150"}, {"vnp_PayDate": "yesterday"},
                                     {"vnp_TmnCode": "OTHER"}])
def test_a_signed_but_unreadable_result_is_malformed(changes: dict[str, str]) -> None:
    with pytest.raises(MalformedResult):
        parse_result(_result(**changes), CONFIG)


def test_a_result_without_its_order_is_malformed() -> None:
    params = {k: v for k, v in _result().items() if k not in ("vnp_TxnRef", "vnp_SecureHash")}
    with pytest.raises(MalformedResult):
        parse_result(signed(params, CONFIG.secret), CONFIG)


def test_ipn_answers_are_the_gateway_codes() -> None:
    assert IpnAnswer.CONFIRMED.as_json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert [a.code for a in (IpnAnswer.ORDER_NOT_FOUND, IpnAnswer.ALREADY_CONFIRMED, IpnAnswer.INVALID_AMOUNT,
                             IpnAnswer.INVALID_SIGNATURE, IpnAnswer.UNKNOWN_ERROR)] == ["01", "02", "04", "97", "99"]
