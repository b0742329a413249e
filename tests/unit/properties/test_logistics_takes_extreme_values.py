"""What passed a contract never crashes logistics: see extremes.py. Every consumer (the eight
topics, in any order of arrival, with and without the automatic policy) and the deadline round
take the contracts' extreme valid values; nothing but deliberate refusals is raised, every
emitted event validates, and everything stored fits PostgreSQL."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics import handlers as logistics
from services.logistics.adapters.tables import metadata as logistics_tables
from services.logistics.domain.model import shipment_number
from services.logistics.subscribers import deadline_round
from shared.contracts import (
    ConfirmationIssued,
    DeliveryRevised,
    GoodsProduced,
    OrderPlaced,
    PaymentChecked,
    topics,
)
from shared.contracts.bounds import DATE_MAX, MAX_LINES
from tests.unit.properties import strategies as s
from tests.unit.properties.extremes import (
    PROPERTY,
    REFUSALS,
    closed,
    event,
    placed,
    produced_lines,
    product_codes,
    released,
    signed_confirmation,
)
from tests.unit.properties.harness import NOW, incoming, refusing_nothing_but, run

HANDLERS: dict[str, Any] = {
    "placed": logistics.place_order,
    "confirmed": logistics.confirm_order,
    "revised": logistics.revise_delivery,
    "signed": logistics.record_signature,
    "released": logistics.record_release,
    "produced": logistics.record_production,
    "produced_again": logistics.record_production,
    "checked": logistics.record_payment_check,
    "closed": logistics.close_order,
}
"""The eight consumed topics (goods.produced twice); a last passed check follows them all."""


@st.composite
def codes_of_an_order(draw: st.DrawFn) -> list[str]:
    """Distinct product codes, or one product on every line (its units beyond one line's)."""
    distinct = draw(product_codes())
    return draw(st.sampled_from([distinct, [distinct[0]] * MAX_LINES]))


def signed(draw: st.DrawFn) -> dict[str, Any]:
    return {"user": draw(s.code(100)), "role": draw(s.code(100)), "at": NOW}


def produced(draw: st.DrawFn, order: OrderPlaced, codes: list[str]) -> GoodsProduced:
    """Any finished quantities, or just what was ordered (so the policy ships it)."""
    ordered = [
        {"product_code": line.product_code, "quantity": line.quantity}
        for line in order.payload.lines
    ]
    payload = {
        "production_order_id": draw(s.code(50)),
        "lines": draw(st.sampled_from([ordered, produced_lines(draw, codes)])),
        "ready_on": draw(s.dates()),
    }
    return event(GoodsProduced, order.order_id, payload, "production")  # type: ignore[no-any-return]


@st.composite
def logistics_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    order_id = draw(s.order_id())
    codes = draw(codes_of_an_order())
    order = placed(draw, order_id, draw(s.code(40)), codes)
    tier = draw(st.sampled_from(["A", "B", "C"]))
    amount = draw(s.money())
    passed = draw(st.booleans())
    return {
        "placed": order,
        "confirmed": event(
            ConfirmationIssued,
            order_id,
            {
                "customer_id": order.payload.customer_id,
                "tier": tier,
                "confirmed_delivery_date": draw(s.dates()),
                "sent_on": draw(s.dates()),
                "total_amount": order.payload.total_amount,
                "currency": "EUR",
                "deposit_amount": Decimal("0.00"),
                "document_path": "/" + "~" * 199,
            },
            "sales",
        ),
        "revised": event(
            DeliveryRevised,
            order_id,
            {
                "delivery_date": draw(s.dates()),
                "previous_delivery_date": draw(s.dates()),
                "reason": draw(s.text(1000, min_size=0)),
                "agreed": signed(draw),
            },
            "sales",
        ),
        "signed": signed_confirmation(draw, order_id),
        "released": released(draw, order_id, codes),
        "produced": produced(draw, order, codes),
        "produced_again": produced(draw, order, codes),
        "checked": checked(draw, order_id, tier, amount, passed),
        "rechecked": checked(draw, order_id, tier, amount, True),
        "closed": closed(draw, order_id),
        "order": [*draw(st.permutations(list(HANDLERS))), "rechecked"],
        "policy": draw(st.sampled_from([True, True, False])),
        "authority": draw(st.one_of(st.none(), s.money())),
        "today": draw(s.dates(NOW.date(), DATE_MAX - timedelta(days=1))),
    }


def checked(draw: st.DrawFn, order_id: str, tier: str, amount: Decimal, passed: bool) -> Any:
    """Finance's check of the order's first shipment; finance checks again on a payment."""
    return event(
        PaymentChecked,
        order_id,
        {
            "shipment_id": shipment_number(order_id, 1),
            "outcome": "passed" if passed else "refused",
            "tier": tier,
            "credit_exception": draw(st.booleans()),
            "amount": amount,
            "currency": "EUR",
            "shipped_value": amount,
            "received": draw(s.money()),
            "reason": draw(s.text(1000, min_size=0)),
            "signed": draw(st.one_of(st.none(), st.just(signed(draw)))),
        },
        "finance",
    )


@PROPERTY
@given(logistics_scenarios())
def test_logistics_handlers_take_every_extreme_valid_value(scenario: dict[str, Any]) -> None:
    now = datetime.combine(scenario["today"], NOW.timetz())

    async def drive(connection: AsyncConnection) -> None:
        for step in scenario["order"]:
            await refusing_nothing_but(
                REFUSALS,
                {**HANDLERS, "rechecked": logistics.record_payment_check}[step](
                    connection,
                    incoming(scenario[step], topics.ORDER_PLACED, now),
                    policy=scenario["policy"],
                    release_authority=scenario["authority"],
                ),
            )
        later = now + timedelta(days=1)
        await refusing_nothing_but(REFUSALS, deadline_round(connection, later))

    run(logistics_tables, drive)
