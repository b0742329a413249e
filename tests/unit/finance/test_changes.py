"""Finance and a change of the order (P7.1, P7.2, P6.2): it answers each change once with what
was paid, asked and invoiced; it applies the highest applied version whatever the order of
arrival; a charge stays owed, money paid beyond what is owed is credit at once; a cancelled
shipment loses its value so the next one is valued on the new total."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance import decisions, handlers
from services.finance.adapters import repository
from services.finance.app import DEFINITION
from services.finance.domain.model import Account
from services.finance.ledger import Ledger
from shared.contracts import (
    BalanceUpdated,
    ChangeAcknowledged,
    ChangeDecided,
    ChangeRequested,
    ConfirmationIssued,
    CreditChanged,
    Event,
    GoodsShipped,
    InvoiceIssued,
    OrderClosed,
    OrderPlaced,
    PaymentNotification,
    ShipmentCancelled,
    ShipmentRequested,
)
from shared.contracts.changes import acknowledgement_id
from shared.db import rows
from shared.decisions import Person
from shared.messaging.events import new_event
from tests.support.databases import sqlite_database
from tests.unit.properties.harness import incoming, republished

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ORDER = "SO-2026-000001"
PRICE = Decimal("50.00")
SIGNED = {"user": "ines.duarte", "role": "sales_rep", "at": NOW}
MANAGER = Person("david.cohen", "finance_manager")
ADDRESS = {
    "name": "Acme",
    "street": "Hafenstr. 1",
    "postal_code": "20457",
    "city": "Hamburg",
    "country": "DE",
}
CONTACT = {"name": "Jana Roth", "email": "jana@example.com", "phone": "+49 40 1234"}
E = TypeVar("E", bound=Event)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "finance.db", DEFINITION.migrations) as engine:
        yield engine


def event(kind: type[E], payload: dict[str, Any], order_id: str = ORDER) -> E:
    return new_event(
        kind, order_id=order_id, producer="x", causation_id=None, occurred_at=NOW, payload=payload
    )


def lines(quantity: int) -> list[dict[str, Any]]:
    amount = str(PRICE * quantity)
    return [
        {
            "line_no": 1,
            "product_code": "PUMP-1",
            "quantity": quantity,
            "unit_price": str(PRICE),
            "amount": amount,
        }
    ]


def placed(quantity: int = 20) -> OrderPlaced:
    return event(
        OrderPlaced,
        {
            "submitter": "portal",
            "customer_reference": f"PO-{ORDER}",
            "customer_id": "CUST-0001",
            "channel": "web",
            "currency": "EUR",
            "lines": lines(quantity),
            "total_amount": str(PRICE * quantity),
            "requested_delivery_date": "2027-03-01",
            "delivery_address": ADDRESS,
            "contact": CONTACT,
            "payment_terms": None,
        },
    )


def confirmed(deposit: str = "300.00") -> ConfirmationIssued:
    return event(
        ConfirmationIssued,
        {
            "customer_id": "CUST-0001",
            "tier": "B",
            "confirmed_delivery_date": "2027-03-01",
            "sent_on": "2026-11-20",
            "total_amount": "1000.00",
            "currency": "EUR",
            "deposit_amount": deposit,
            "document_path": "/confirmations/x.pdf",
        },
    )


def bank(amount: str, tx: str = "BANK-1") -> PaymentNotification:
    return PaymentNotification.model_validate(
        {
            "schema_version": 1,
            "bank_transaction_id": tx,
            "order_reference": ORDER,
            "amount": amount,
            "currency": "EUR",
            "received_at": NOW,
        }
    )


def requested(n: int = 2, quantity: int = 15) -> ChangeRequested:
    cancel = quantity == 0
    return event(
        ChangeRequested,
        {
            "change_no": n,
            "based_on": n - 1,
            "kinds": ["cancel"] if cancel else ["decrease"],
            "stage": "after_confirmation",
            "needs_review": False,
            "lines": [] if cancel else lines(quantity),
            "total_amount": str(PRICE * quantity),
            "requested_delivery_date": "2027-03-01",
            "reason": "the customer needs fewer",
            "via": "desk",
            "requested": SIGNED,
            "answer_by": "2026-11-23T09:00:00Z",
        },
    )


def decided(n: int = 2, quantity: int = 15, charge: str | None = None) -> ChangeDecided:
    cancel = quantity == 0
    return event(
        ChangeDecided,
        {
            "change_no": n,
            "outcome": "applied",
            "stage": "after_confirmation",
            "kinds": ["cancel"] if cancel else ["decrease"],
            "lines": [] if cancel else lines(quantity),
            "total_amount": str(PRICE * quantity),
            "delivery_date": "2027-03-01",
            "charge": charge,
            "charge_reason": "material bought" if charge else "",
            "decided": None,
        },
    )


def shipment(shipment_id: str, quantity: int) -> ShipmentRequested:
    return event(
        ShipmentRequested,
        {
            "shipment_id": shipment_id,
            "lines": [{"product_code": "PUMP-1", "quantity": quantity}],
            "partial": False,
            "delivery_address": ADDRESS,
            "contact": CONTACT,
            "requested": SIGNED,
        },
    )


def shipped(shipment_id: str, quantity: int) -> GoodsShipped:
    return event(
        GoodsShipped,
        {
            "shipment_id": shipment_id,
            "carrier": "DHL",
            "tracking_number": "TRK-1",
            "lines": [{"product_code": "PUMP-1", "quantity": quantity}],
        },
    )


async def consume(engine: AsyncEngine, handler: Any, body: Any) -> list[Event]:
    async with engine.begin() as connection, rows.in_scope(connection):
        events = await handler(connection, incoming(body, "x", NOW))
    return [republished(e) for e in events]


async def account(engine: AsyncEngine) -> Account:
    async with engine.begin() as connection, rows.in_scope(connection):
        found = await repository.load(connection, ORDER)
    assert found is not None
    return found


def of(kind: type[E], events: list[Event]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


async def confirmed_and_paid(engine: AsyncEngine, paid: str = "300.00") -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.confirm_order, confirmed())
    await consume(engine, handlers.receive_payment, bank(paid))


@pytest.mark.rule("P7.1")
async def test_a_change_is_acknowledged_with_what_was_paid_asked_and_invoiced_under_a_derived_id(
    engine: AsyncEngine,
) -> None:
    await confirmed_and_paid(engine)
    change = requested()

    events = await consume(engine, handlers.acknowledge_change, change)

    (ack,) = of(ChangeAcknowledged, events)
    assert ack.event_id == acknowledgement_id(change.event_id, "finance")
    assert (ack.payload.department, ack.payload.outcome, ack.payload.change_no) == (
        "finance",
        "accepted",
        2,
    )
    assert (ack.payload.paid_total, ack.payload.deposit_amount, ack.payload.invoiced) == (
        Decimal("300.00"),
        Decimal("300.00"),
        Decimal("0.00"),
    )


@pytest.mark.rule("P7.1")
async def test_a_change_of_an_order_finance_does_not_know_is_acknowledged_with_zeros(
    engine: AsyncEngine,
) -> None:
    (ack,) = of(ChangeAcknowledged, await consume(engine, handlers.acknowledge_change, requested()))

    assert (ack.payload.paid_total, ack.payload.deposit_amount, ack.payload.invoiced) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


@pytest.mark.rule("P7.1")
async def test_a_change_is_acknowledged_once_even_when_requested_again(
    engine: AsyncEngine,
) -> None:
    await confirmed_and_paid(engine)
    change = requested()

    first = await consume(engine, handlers.acknowledge_change, change)
    replayed = await consume(engine, handlers.acknowledge_change, change)
    another_copy = await consume(engine, handlers.acknowledge_change, requested())

    assert len(of(ChangeAcknowledged, first)) == 1
    assert replayed == [] and another_copy == []


@pytest.mark.rule("P7.2")
async def test_a_decrease_from_20_to_15_lowers_the_total_and_the_open_balance(
    engine: AsyncEngine,
) -> None:
    await confirmed_and_paid(engine)

    events = await consume(engine, handlers.apply_change, decided(2, 15))

    after = await account(engine)
    assert (after.version, after.total_amount, after.balance_due) == (
        2,
        Decimal("750.00"),
        Decimal("450.00"),
    )
    assert [e.payload.open_balance for e in of(BalanceUpdated, events)] == [Decimal("450.00")]
    assert of(CreditChanged, events) == []


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P6.2")
async def test_a_cancel_charged_below_the_paid_deposit_keeps_the_charge_and_credits_the_rest(
    engine: AsyncEngine,
) -> None:
    await confirmed_and_paid(engine)

    events = await consume(engine, handlers.apply_change, decided(2, 0, charge="120.00"))
    closed = await consume(
        engine, handlers.close_account, event(OrderClosed, {"outcome": "cancelled"})
    )

    (credit,) = of(CreditChanged, events)
    assert (credit.payload.change, credit.payload.amount) == ("arisen", Decimal("180.00"))
    assert f"CR-{ORDER}-2" in credit.payload.reason
    assert of(InvoiceIssued, events) == []
    kept = await account(engine)
    assert (kept.owed, kept.credit, kept.outcome) == (
        Decimal("120.00"),
        Decimal("180.00"),
        "cancelled",
    )
    assert closed == []
    async with engine.begin() as connection, rows.in_scope(connection):
        ledger = Ledger(connection, NOW)
        await decisions.refund_credit(ledger, ORDER, None, "cancelled order", MANAGER)
        refunded = [republished(e) for e in await ledger.events(None)]
    assert [(e.payload.change, e.payload.amount) for e in of(CreditChanged, refunded)] == [
        ("refunded", Decimal("180.00"))
    ]


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P6.2")
async def test_a_cancellation_without_a_charge_makes_everything_paid_credit(
    engine: AsyncEngine,
) -> None:
    await confirmed_and_paid(engine)

    events = await consume(engine, handlers.apply_change, decided(2, 0))

    (credit,) = of(CreditChanged, events)
    assert (credit.payload.amount, credit.payload.available) == (
        Decimal("300.00"),
        Decimal("300.00"),
    )
    assert (await account(engine)).balance_due == Decimal("0.00")


@pytest.mark.rule("P7.2")
async def test_a_charge_the_money_does_not_cover_is_invoiced_due_on_issue(
    engine: AsyncEngine,
) -> None:
    await confirmed_and_paid(engine, paid="50.00")

    events = await consume(engine, handlers.apply_change, decided(2, 0, charge="120.00"))

    (invoice,) = of(InvoiceIssued, events)
    assert (invoice.payload.invoice_number, invoice.payload.amount) == (
        f"INV-{ORDER}-C2",
        Decimal("120.00"),
    )
    assert invoice.payload.shipment_id is None
    assert invoice.payload.due_date == invoice.payload.issued_on
    assert (await account(engine)).balance_due == Decimal("70.00")


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
@pytest.mark.parametrize("arrival", ["in_order", "reversed", "before_the_order"])
async def test_the_higher_version_wins_whatever_the_order_of_arrival(
    engine: AsyncEngine, arrival: str
) -> None:
    steps = [
        (handlers.open_account, placed()),
        (handlers.apply_change, decided(2, 15)),
        (handlers.apply_change, decided(3, 12)),
    ]
    if arrival == "reversed":
        steps = [steps[0], steps[2], steps[1]]
    if arrival == "before_the_order":
        steps = [steps[2], steps[1], steps[0]]
    for handler, body in steps:
        await consume(engine, handler, body)

    after = await account(engine)
    assert (after.version, after.total_amount) == (3, Decimal("600.00"))
    assert [(line.product_code, line.quantity) for line in after.lines] == [("PUMP-1", 12)]
    assert after.customer_id == "CUST-0001"


@pytest.mark.rule("P7.2")
async def test_a_cancelled_shipment_loses_its_value_and_the_next_is_invoiced_for_15(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed(20))
    await consume(engine, handlers.check_shipment, shipment("SH-1", 20))
    await consume(engine, handlers.apply_change, decided(2, 15))
    cancelled = event(
        ShipmentCancelled,
        {"shipment_id": "SH-1", "change_no": 2, "reason": "20 no longer fit 15"},
    )

    await consume(engine, handlers.cancel_shipment, cancelled)
    await consume(engine, handlers.check_shipment, shipment("SH-2", 15))
    events = await consume(engine, handlers.invoice_shipment, shipped("SH-2", 15))

    after = await account(engine)
    assert [v.shipment_id for v in after.valued] == ["SH-2"]
    assert after.require_check("SH-1").status == "cancelled"
    (invoice,) = of(InvoiceIssued, events)
    assert invoice.payload.amount == 15 * PRICE
