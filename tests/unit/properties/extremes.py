"""Building blocks of the extreme-value properties: every contract's extreme valid values."""

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from shared.contracts import (
    ConfirmationSigned,
    Event,
    OrderClosed,
    OrderPlaced,
    OrderReleased,
)
from shared.contracts.bounds import (
    MAX_DAYS_IN_WINDOW,
    MAX_PAYMENT_TERMS,
)
from shared.contracts.master import CustomerRecord, ProductRecord
from shared.decisions import Refused
from shared.messaging.events import new_event
from shared.messaging.routes import MessageRejected
from tests.unit.properties import strategies as s
from tests.unit.properties.harness import NOW

REFUSALS = (MessageRejected, Refused)
"""The domain's deliberate refusals: an unknown order (dead-lettered), a decision not allowed."""

PROPERTY = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,  # extreme examples overrun the buffer: counted as filtered
    ],
)


# -- shared building blocks ------------------------------------------------------------------------


@st.composite
def product_codes(draw: st.DrawFn) -> list[str]:
    """As many distinct product codes as an order may have lines, each as long as allowed."""
    count = draw(s.line_count())
    stem = draw(s.code(47))
    return [f"{stem}{index:03d}" for index in range(count)]


@st.composite
def priced_lines(draw: st.DrawFn, codes: list[str]) -> list[dict[str, Any]]:
    lines = []
    for line_no, product_code in enumerate(codes, start=1):
        quantity = draw(s.quantity())
        unit_price = draw(s.unit_price())
        lines.append(
            {
                "line_no": line_no,
                "product_code": product_code,
                "quantity": quantity,
                "unit_price": unit_price,
                "amount": unit_price * quantity,
            }
        )
    return lines


def total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((line["amount"] for line in lines), Decimal("0.00"))


def customer_record(draw: st.DrawFn, customer_id: str) -> CustomerRecord:
    tier = draw(st.sampled_from(["A", "B", "C"]))
    terms = st.lists(s.code(40), min_size=1, max_size=MAX_PAYMENT_TERMS)
    return CustomerRecord(
        customer_id=customer_id,
        name=draw(s.text(200)),
        tier=tier,
        currency="EUR",
        credit_limit=draw(s.money()),
        payment_terms=draw(terms if tier == "A" else st.just(["prepaid"])),  # P5.2
        deposit_percent=draw(s.edges(Decimal(0), Decimal(100), st.decimals(0, 100, places=2))),
    )


def product_record(draw: st.DrawFn, product_code: str) -> ProductRecord:
    return ProductRecord(
        product_code=product_code,
        name=draw(s.text(200)),
        currency="EUR",
        list_price=draw(s.unit_price()),
        max_discount_percent=draw(s.edges(Decimal(0), Decimal(100), st.just(Decimal("12.50")))),
        is_new=draw(st.booleans()),
        samples_confirmed=draw(st.booleans()),
        bom_ready=draw(st.booleans()),
        drawings_ready=draw(st.booleans()),
        specification_ready=draw(st.booleans()),
        qa_level=draw(st.integers(1, 5)),
    )


def event(kind: type[Event], order_id: str | None, payload: Any, producer: str) -> Any:
    return new_event(
        kind,
        order_id=order_id,
        producer=producer,
        causation_id=None,
        occurred_at=NOW,
        payload=payload,
    )


def placed(draw: st.DrawFn, order_id: str, customer_id: str, codes: list[str]) -> OrderPlaced:
    lines = draw(priced_lines(codes))
    payload = {
        "submitter": draw(s.code(100)),
        "customer_reference": draw(s.reference()),
        "customer_id": customer_id,
        "channel": draw(st.sampled_from(["system", "web", "email", "fax", "desk"])),
        "currency": "EUR",
        "lines": lines,
        "total_amount": total(lines),
        "requested_delivery_date": draw(s.dates()),
        "delivery_address": draw(s.address()),
        "contact": draw(s.contact()),
        "payment_terms": draw(st.one_of(st.none(), s.code(40))),
    }
    return event(OrderPlaced, order_id, payload, "sales")  # type: ignore[no-any-return]


def signed_confirmation(draw: st.DrawFn, order_id: str) -> ConfirmationSigned:
    """confirmation.signed at its extremes (P3.4)."""
    payload = {
        "received_on": draw(s.dates()),
        "days_late": draw(s.edges(0, MAX_DAYS_IN_WINDOW, st.integers(0, 60))),
        "expected_delivery_date": draw(s.dates()),
    }
    return event(ConfirmationSigned, order_id, payload, "sales")  # type: ignore[no-any-return]


def released(draw: st.DrawFn, order_id: str, codes: list[str]) -> OrderReleased:
    """order.released at its extremes (P3.2, P3.3)."""
    payload = {
        "delivery_date": draw(s.dates()),
        "lines": produced_lines(draw, codes),
        "gate": draw(st.sampled_from(["a_tier_before_signature", "signed", "signed_and_deposit"])),
    }
    return event(OrderReleased, order_id, payload, "sales")  # type: ignore[no-any-return]


def closed(draw: st.DrawFn, order_id: str) -> OrderClosed:
    outcome = draw(st.sampled_from(["fulfilled", "declined"]))
    return event(OrderClosed, order_id, {"outcome": outcome}, "sales")  # type: ignore[no-any-return]


def produced_lines(draw: st.DrawFn, codes: list[str]) -> list[dict[str, Any]]:
    return [{"product_code": code, "quantity": draw(s.quantity())} for code in codes]
