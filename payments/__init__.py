"""Payment gateways of Vietnam's common shape (VNPay 2.1.0): the signed payment URL, the signed return and IPN, the
daily report; and a sandbox gateway (`payments.sandbox`) that speaks the same protocol over HTTP."""
