"""What passed a contract never crashes finance: see extremes.py."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance import handlers as finance
from services.finance.adapters.tables import metadata as finance_tables
from shared.contracts import (
    ConfirmationIssued,
    CustomerUpdated,
    GoodsShipped,
    PaymentNotification,
    topics,
)
from shared.contracts.bounds import (
    DATE_MAX,
    DATE_MIN,
)
from tests.unit.properties import strategies as s
from tests.unit.properties.extremes import (
    PROPERTY,
    REFUSALS,
    closed,
    customer_record,
    event,
    placed,
    produced_lines,
    product_codes,
)
from tests.unit.properties.harness import NOW, incoming, refusing_nothing_but, run

# -- finance ---------------------------------------------------------------------------------------


@st.composite
def finance_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    order_id = draw(s.order_id())
    codes = draw(product_codes())
    customer = customer_record(draw, draw(s.code(40)))
    order = placed(draw, order_id, customer.customer_id, codes)
    order_total = order.payload.total_amount
    payments = [
        PaymentNotification.model_validate(
            {
                "schema_version": 1,
                "bank_transaction_id": f"{index}" + draw(s.reference(99)),
                "order_reference": draw(
                    st.sampled_from([order_id, f"  {order_id.lower()} ", draw(s.text(200))])
                ),
                "amount": draw(s.money(low=Decimal("0.01"))),
                "currency": "EUR",
                "received_at": draw(
                    st.sampled_from(
                        [
                            datetime(2000, 1, 1, tzinfo=UTC),
                            datetime(2100, 12, 31, 23, 59, 59),
                            datetime.combine(DATE_MAX, datetime.max.time(), UTC),
                            datetime.combine(DATE_MIN, datetime.min.time()),
                        ]
                    )
                ),
                "payer": draw(s.text(200, min_size=0)),
            }
        )
        for index in range(3)
    ]
    deposit = draw(s.money(high=order_total))
    return {
        "customer": customer,
        "placed": order,
        "confirmed": event(
            ConfirmationIssued,
            order_id,
            {
                "customer_id": customer.customer_id,
                "tier": customer.tier,
                "confirmed_delivery_date": draw(s.dates()),
                "sent_on": draw(s.dates()),
                "total_amount": order_total,
                "currency": "EUR",
                "deposit_amount": deposit,
                "document_path": "/" + "~" * 199,
            },
            "sales",
        ),
        "shipped": event(
            GoodsShipped,
            order_id,
            {
                "shipment_id": draw(s.code(50)),
                "carrier": draw(s.text(100)),
                "tracking_number": draw(s.reference()),
                "lines": produced_lines(draw, codes),
            },
            "logistics",
        ),
        "payments": payments,
        "closed": closed(draw, order_id),
        "order": draw(st.permutations(["placed", "confirmed", "shipped", "payments", "closed"])),
        "today": draw(s.dates(NOW.date(), DATE_MAX - timedelta(days=30))),
    }


@PROPERTY
@given(finance_scenarios())
def test_finance_handlers_take_every_extreme_valid_value(scenario: dict[str, Any]) -> None:
    now = datetime.combine(scenario["today"], NOW.timetz())

    async def drive(connection: AsyncConnection) -> None:
        customer_updated = event(CustomerUpdated, None, scenario["customer"], "sales")
        await refusing_nothing_but(
            REFUSALS, finance.record_customer(connection, incoming(customer_updated, "x", now))
        )
        for step in scenario["order"]:
            if step == "payments":
                for payment in scenario["payments"]:
                    await refusing_nothing_but(
                        REFUSALS,
                        finance.receive_payment(
                            connection, incoming(payment, topics.PAYMENT_NOTIFIED, now)
                        ),
                    )
                continue
            handler: Any = {
                "placed": finance.open_account,
                "confirmed": finance.confirm_order,
                "shipped": finance.invoice_order,
                "closed": finance.close_account,
            }[step]
            await refusing_nothing_but(
                REFUSALS, handler(connection, incoming(scenario[step], "x", now))
            )

    run(finance_tables, drive)
