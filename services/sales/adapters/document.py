"""The order confirmation as a readable HTML document (P3.1). Everything is escaped."""

from collections.abc import Mapping
from decimal import Decimal
from html import escape

from services.sales.domain.master import Customer, Product
from services.sales.domain.model import Order


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(Decimal('0.01')):,.2f} {currency}"


def render_confirmation(
    order: Order,
    company: str,
    customer: Customer | None,
    products: Mapping[str, Product],
) -> str:
    """The confirmation the customer signs or stamps and returns (P3.1): who sells to whom,
    the lines, the total, the confirmed date (when the goods are ready, P3.5), the deposit
    (P3.3) and the request to sign and return it."""
    confirmation = order.confirmation()
    e = escape
    currency = order.currency
    customer_name = customer.name if customer else order.customer_id
    terms = order.payment_terms or (customer.default_payment_terms if customer else "")
    address = order.delivery_address or {}
    address_text = ", ".join(
        str(address[key])
        for key in ("name", "street", "postal_code", "city", "country")
        if address.get(key)
    )
    rows = "\n".join(
        "<tr>"
        f"<td>{line.line_no}</td>"
        f"<td>{e(line.product_code)}</td>"
        f"<td>{e(products[line.product_code].name if line.product_code in products else '')}</td>"
        f'<td class="num">{line.quantity}</td>'
        f'<td class="num">{e(_money(line.unit_price, currency))}</td>'
        f'<td class="num">{e(_money(line.amount, currency))}</td>'
        "</tr>"
        for line in order.lines
    )
    deposit = (
        f"<p>Deposit due before production starts: "
        f"<strong>{e(_money(confirmation.deposit_amount, currency))}</strong></p>"
        if confirmation.deposit_amount > 0
        else "<p>No deposit is required.</p>"
    )
    gate = (
        "Production starts now; the signed copy is for our files."
        if confirmation.tier == "A"
        else "Production starts once it is back"
        + (" and the deposit has arrived" if confirmation.deposit_amount > 0 else "")
        + ". Each day it comes back after the day it was sent moves the delivery date back "
        "by one day."
    )
    signed = (
        f"<p>Signed confirmation received on {e(confirmation.signed_received_on.isoformat())}.</p>"
        if confirmation.signed_received_on
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Order confirmation {e(order.order_id)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: 0.3em 0.6em; }}
.num {{ text-align: right; }}
</style>
</head>
<body>
<h1>{e(company)}</h1>
<h2>Order confirmation {e(order.order_id)}</h2>
<p>To: {e(customer_name)} ({e(order.customer_id)})<br>
Your reference: {e(order.customer_reference)}<br>
Contact: {e(str(order.contact.get("name", "")))}<br>
Delivery address: {e(address_text)}</p>
<p>Sent on: {e(confirmation.sent_on.isoformat())}</p>
<table>
<thead><tr><th>Line</th><th>Product</th><th>Description</th><th>Quantity</th>
<th>Unit price</th><th>Amount</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot><tr><th colspan="5">Total</th>
<th class="num">{e(_money(order.total_amount, currency))}</th></tr></tfoot>
</table>
<p>Confirmed delivery date (goods ready): \
<strong>{e(confirmation.confirmed_delivery_date.isoformat())}</strong></p>
<p>Payment terms: {e(terms)}</p>
{deposit}
<p><strong>Please sign and return this confirmation.</strong> {e(gate)}</p>
{signed}
</body>
</html>
"""
