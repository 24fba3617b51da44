"""The sandbox's pages, in Vietnamese, self-contained (no external assets)."""

from __future__ import annotations

from html import escape

STYLE = """body{font-family:system-ui,sans-serif;background:#f3f6fb;margin:0;padding:2rem;color:#1d2b3a}
main{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 8px #0002}
h1{font-size:1.2rem;color:#005baa}dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}dt{color:#667}
.amount{font-size:1.4rem;font-weight:700;color:#d7261e}form{display:inline}
button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:8px;margin:.3rem;cursor:pointer}
.pay{background:#005baa;color:#fff}.cancel{background:#e4e7ec}"""


def format_dong(amount: int) -> str:
    """1263600 → "1.263.600 ₫" (Vietnamese grouping with dots)."""
    return f"{amount:,}".replace(",", ".") + " ₫"


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>")


def payment_page(*, merchant: str, order_ref: str, amount_dong: int, description: str) -> str:
    ref = escape(order_ref)
    return _page("Cổng thanh toán thử nghiệm", f"""<h1>Cổng thanh toán thử nghiệm</h1>
<p>Môi trường thử nghiệm: không có tiền thật được chuyển.</p>
<dl><dt>Đơn vị</dt><dd>{escape(merchant)}</dd><dt>Mã đơn hàng</dt><dd>{ref}</dd>
<dt>Nội dung</dt><dd>{escape(description)}</dd>
<dt>Số tiền</dt><dd class="amount">{escape(format_dong(amount_dong))}</dd></dl>
<form method="post" action="/paymentv2/orders/{ref}/pay"><button class="pay">Thanh toán</button></form>
<form method="post" action="/paymentv2/orders/{ref}/cancel"><button class="cancel">Hủy giao dịch</button></form>""")


def error_page(message: str) -> str:
    return _page("Giao dịch không hợp lệ", f"<h1>Giao dịch không hợp lệ</h1><p>{escape(message)}</p>")
