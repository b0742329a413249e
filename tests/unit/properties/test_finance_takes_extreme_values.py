"""What passed a contract never crashes finance: every consumer (all its topics, in any order,
with or without the automatic policy) and the collection round take extreme valid values; see
extremes.py."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance import handlers as finance
from services.finance.adapters.tables import metadata as finance_tables
from services.finance.ledger import Ledger
from services.finance.subscribers import collection_round
from shared.contracts import (
    ConfirmationIssued,
    CustomerUpdated,
    DeliveryRevised,
    GoodsDelivered,
    GoodsShipped,
    PaymentNotification,
    ShipmentRequested,
    topics,
)
from shared.contracts.bounds import DATE_MAX, DATE_MIN
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
    released,
    signed_confirmation,
)
from tests.unit.properties.harness import NOW, incoming, refusing_nothing_but, run

SIGNED = {"user": "ines.duarte", "role": "customer_service", "at": NOW}
STEPS = [
    "placed",
    "confirmed",
    "requested",
    "shipped",
    "delivered",
    "payments",
    "closed",
    "revised",
    "signed",
    "released",
]


def _payment(draw: st.DrawFn, index: int, order_id: str, high: Decimal) -> PaymentNotification:
    return PaymentNotification.model_validate(
        {
            "schema_version": 1,
            "bank_transaction_id": f"{index}" + draw(s.reference(99)),
            "order_reference": draw(
                st.sampled_from([order_id, f"  {order_id.lower()} ", draw(s.text(200))])
            ),
            "amount": draw(s.money(low=Decimal("0.01"), high=high)),
            "currency": draw(st.sampled_from(["EUR", "EUR", "USD"])),
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


def _shipment(draw: st.DrawFn, order_id: str, codes: list[str], shipment_id: str) -> Any:
    return event(
        ShipmentRequested,
        order_id,
        {
            "shipment_id": shipment_id,
            "lines": produced_lines(draw, codes),
            "partial": draw(st.booleans()),
            "delivery_address": draw(s.address()),
            "contact": draw(s.contact()),
            "requested": SIGNED,
        },
        "logistics",
    )


@st.composite
def finance_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    order_id = draw(s.order_id())
    codes = draw(product_codes())
    customer = customer_record(draw, draw(s.code(40)))
    order = placed(draw, order_id, customer.customer_id, codes)
    order_total = order.payload.total_amount
    shipments = [draw(s.code(50)) for _ in range(2)]
    high = draw(st.sampled_from([order_total or Decimal("0.01"), Decimal("99999999999999.99")]))
    return {
        "customer": customer,
        "placed": order,
        "confirmed": event(
            ConfirmationIssued,
            order_id,
            {
                "customer_id": customer.customer_id,
                "tier": draw(st.sampled_from(["A", "B", "C"])),
                "confirmed_delivery_date": draw(s.dates()),
                "sent_on": draw(s.dates()),
                "total_amount": order_total,
                "currency": "EUR",
                "deposit_amount": draw(s.money(high=order_total)),
                "document_path": "/" + "~" * 199,
            },
            "sales",
        ),
        "requested": [_shipment(draw, order_id, codes, shipment) for shipment in shipments],
        "shipped": [
            event(
                GoodsShipped,
                order_id,
                {
                    "shipment_id": shipment,
                    "carrier": draw(s.text(100)),
                    "tracking_number": draw(s.reference()),
                    "lines": produced_lines(draw, codes),
                },
                "logistics",
            )
            for shipment in shipments
        ],
        "delivered": [
            event(
                GoodsDelivered,
                order_id,
                {
                    "shipment_id": shipment,
                    "delivered_on": draw(s.dates()),
                    "received_by": draw(s.text(200)),
                    "lines": produced_lines(draw, codes),
                    "late": draw(st.booleans()),
                    "order_delivered": draw(st.booleans()),
                    "cash_collected": draw(s.money()),
                    "currency": draw(st.sampled_from([None, "EUR", "USD"])),
                    "recorded": SIGNED,
                },
                "logistics",
            )
            for shipment in shipments
        ],
        "payments": [_payment(draw, index, order_id, high) for index in range(3)],
        "closed": [closed(draw, order_id)],
        "revised": [
            event(
                DeliveryRevised,
                order_id,
                {
                    "delivery_date": draw(s.dates()),
                    "previous_delivery_date": draw(s.dates()),
                    "reason": draw(s.text(1000)),
                    "agreed": SIGNED,
                },
                "sales",
            )
        ],
        "signed": signed_confirmation(draw, order_id),
        "released": released(draw, order_id, codes),
        "order": draw(st.permutations(STEPS)),
        "today": draw(s.dates(NOW.date(), DATE_MAX - timedelta(days=30))),
        "later": draw(st.sampled_from([1, 8, 15, 31, 400, 40_000])),
        "policy": draw(st.booleans()),
    }


HANDLERS: dict[str, Any] = {
    "placed": finance.open_account,
    "confirmed": finance.confirm_order,
    "requested": finance.check_shipment,
    "shipped": finance.invoice_shipment,
    "delivered": finance.collect_cash,
    "payments": finance.receive_payment,
    "closed": finance.close_account,
    "revised": finance.revise_delivery,
    "signed": finance.record_signature,
    "released": finance.record_release,
}


@PROPERTY
@given(finance_scenarios())
def test_finance_handlers_take_every_extreme_valid_value(scenario: dict[str, Any]) -> None:
    now = datetime.combine(scenario["today"], NOW.timetz())
    policy = scenario["policy"]

    async def drive(connection: AsyncConnection) -> None:
        customer_updated = event(CustomerUpdated, None, scenario["customer"], "sales")
        await refusing_nothing_but(
            REFUSALS, finance.record_customer(connection, incoming(customer_updated, "x", now))
        )
        for step in scenario["order"]:
            bodies = scenario[step] if isinstance(scenario[step], list) else [scenario[step]]
            for body in bodies:
                topic = topics.PAYMENT_NOTIFIED if step == "payments" else "x"
                await refusing_nothing_but(
                    REFUSALS,
                    HANDLERS[step](connection, incoming(body, topic, now), policy=policy),
                )
        for days in (scenario["later"], scenario["later"] * 2):
            later = min(now + timedelta(days=days), datetime.combine(DATE_MAX, NOW.timetz()))
            await refusing_nothing_but(
                REFUSALS, collection_round(connection, Ledger(connection, later, policy))
            )

    run(finance_tables, drive)
