"""Finance's handlers, decisions and collection round on embedded SQLite built by its
migrations, one unit of work at a time: payments before their order, duplicates, wrong
currency, unmatched payments assigned, cash on delivery, the automatic policy, credit between
orders and the collection round (P5.2, P6.1, P6.2, P6.3, P6.4)."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance import decisions, handlers
from services.finance.adapters import repository
from services.finance.adapters.tables import (
    customer_balances,
    payment_checks,
    payments,
    unmatched_payments,
)
from services.finance.app import DEFINITION
from services.finance.domain import commands
from services.finance.domain.commands import OWN_TRANSACTION_PREFIXES
from services.finance.domain.matching import OWN_TRANSACTION_REASON
from services.finance.ledger import Ledger
from services.finance.subscribers import collection_round
from shared.contracts import (
    BalanceDue,
    BalanceUpdated,
    CollectionStepped,
    ConfirmationIssued,
    CreditChanged,
    CustomerUpdated,
    Event,
    GoodsDelivered,
    GoodsShipped,
    OrderClosed,
    OrderPlaced,
    PaymentChecked,
    PaymentNotification,
    PaymentReceived,
    PaymentUnmatched,
    ShipmentRequested,
)
from shared.contracts.bounds import MAX_MONEY
from shared.db import rows
from shared.decisions import BeyondAuthority, NotAllowedNow, NotFound, Person
from shared.messaging.events import new_event
from tests.support.databases import sqlite_database
from tests.unit.properties.harness import incoming, republished

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ORDER = "SO-2026-000001"
OTHER = "SO-2026-000002"
SIGNED = {"user": "ines.duarte", "role": "customer_service", "at": NOW}
CLERK = Person("hana.kim", "finance_clerk")
MANAGER = Person("david.cohen", "finance_manager")
E = TypeVar("E", bound=Event)
T = TypeVar("T")


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "finance.db", DEFINITION.migrations) as engine:
        yield engine


def event(kind: type[E], order_id: str, payload: dict[str, Any]) -> E:
    return new_event(
        kind, order_id=order_id, producer="x", causation_id=None, occurred_at=NOW, payload=payload
    )


def placed(order_id: str = ORDER, total: str = "1000.00", terms: str | None = None) -> Any:
    line = {
        "line_no": 1,
        "product_code": "PUMP-1",
        "quantity": 10,
        "unit_price": str(Decimal(total) / 10),
        "amount": total,
    }
    address = {
        "name": "Acme",
        "street": "Hafenstr. 1",
        "postal_code": "20457",
        "city": "Hamburg",
        "country": "DE",
    }
    contact = {"name": "Jana Roth", "email": "jana@example.com", "phone": "+49 40 1234"}
    return event(
        OrderPlaced,
        order_id,
        {
            "submitter": "portal",
            "customer_reference": f"PO-{order_id}",
            "customer_id": "CUST-0001",
            "channel": "web",
            "currency": "EUR",
            "lines": [line],
            "total_amount": total,
            "requested_delivery_date": "2027-03-01",
            "delivery_address": address,
            "contact": contact,
            "payment_terms": terms,
        },
    )


def confirmed(tier: str = "B", order_id: str = ORDER, total: str = "1000.00") -> Any:
    return event(
        ConfirmationIssued,
        order_id,
        {
            "customer_id": "CUST-0001",
            "tier": tier,
            "confirmed_delivery_date": "2027-03-01",
            "sent_on": "2026-11-20",
            "total_amount": total,
            "currency": "EUR",
            "deposit_amount": "0.00",
            "document_path": "/confirmations/x.pdf",
        },
    )


def bank(amount: str, tx: str = "BANK-1", currency: str = "EUR", reference: str = ORDER) -> Any:
    return PaymentNotification.model_validate(
        {
            "schema_version": 1,
            "bank_transaction_id": tx,
            "order_reference": reference,
            "amount": amount,
            "currency": currency,
            "received_at": NOW,
        }
    )


def shipment(shipment_id: str = "SH-1", quantity: int = 10) -> Any:
    return event(
        ShipmentRequested,
        ORDER,
        {
            "shipment_id": shipment_id,
            "lines": [{"product_code": "PUMP-1", "quantity": quantity}],
            "partial": quantity < 10,
            "delivery_address": placed().payload.delivery_address.model_dump(),
            "contact": placed().payload.contact.model_dump(),
            "requested": SIGNED,
        },
    )


async def consume(
    engine: AsyncEngine,
    handler: Callable[..., Awaitable[list[Event]]],
    body: Any,
    now: datetime = NOW,
    policy: bool = False,
) -> list[Event]:
    async with engine.begin() as connection, rows.in_scope(connection):
        events = await handler(connection, incoming(body, "payment.notified", now), policy=policy)
    return [republished(e) for e in events]


async def decide(
    engine: AsyncEngine, decision: Callable[[Ledger], Awaitable[T]], now: datetime = NOW
) -> list[Event]:
    async with engine.begin() as connection, rows.in_scope(connection):
        ledger = Ledger(connection, now)
        await decision(ledger)
        return [republished(e) for e in await ledger.events(None)]


def of(kind: type[E], events: list[Event]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


async def stored_payments(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(select(payments))).mappings())


@pytest.mark.rule("P6.2")
async def test_a_payment_before_its_order_is_matched_when_the_order_opens(
    engine: AsyncEngine,
) -> None:
    early = await consume(engine, handlers.receive_payment, bank("400.00"))
    opened = await consume(engine, handlers.open_account, placed())

    assert [e.payload.reason for e in of(PaymentUnmatched, early)] == [f"no order {ORDER}"]
    (received,) = of(PaymentReceived, opened)
    assert (received.payload.amount, received.payload.balance_due) == (
        Decimal("400.00"),
        Decimal("600.00"),
    )


@pytest.mark.rule("P6.2")
async def test_the_same_bank_transaction_twice_is_one_payment(engine: AsyncEngine) -> None:
    await consume(engine, handlers.open_account, placed())

    first = await consume(engine, handlers.receive_payment, bank("400.00"))
    again = await consume(engine, handlers.receive_payment, bank("400.00"))

    assert len(of(PaymentReceived, first)) == 1
    assert again == []
    assert len(await stored_payments(engine)) == 1


@pytest.mark.rule("P6.2")
async def test_money_in_the_wrong_currency_is_held_and_never_counted(engine: AsyncEngine) -> None:
    await consume(engine, handlers.open_account, placed())

    held = await consume(engine, handlers.receive_payment, bank("1000.00", currency="USD"))

    assert "USD" in of(PaymentUnmatched, held)[0].payload.reason
    assert await stored_payments(engine) == []
    with pytest.raises(NotAllowedNow):
        await decide(
            engine, lambda ledger: decisions.assign_payment(ledger, "BANK-1", ORDER, CLERK)
        )


@pytest.mark.rule("P6.2")
async def test_an_assigned_unmatched_payment_settles_its_order(engine: AsyncEngine) -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.receive_payment, bank("1000.00", reference="our invoice"))

    events = await decide(
        engine, lambda ledger: decisions.assign_payment(ledger, "BANK-1", ORDER, CLERK)
    )

    (received,) = of(PaymentReceived, events)
    assert received.payload.settled
    with pytest.raises(NotAllowedNow):
        await decide(
            engine, lambda ledger: decisions.assign_payment(ledger, "BANK-1", ORDER, CLERK)
        )
    with pytest.raises(NotFound):
        await decide(
            engine, lambda ledger: decisions.assign_payment(ledger, "BANK-9", ORDER, CLERK)
        )


def delivered(shipment_id: str = "SH-1", cash: str = "250.00") -> Any:
    return event(
        GoodsDelivered,
        ORDER,
        {
            "shipment_id": shipment_id,
            "delivered_on": "2026-11-25",
            "received_by": "Jana Roth",
            "lines": [{"product_code": "PUMP-1", "quantity": 10}],
            "late": False,
            "order_delivered": True,
            "cash_collected": cash,
            "currency": "EUR",
            "recorded": SIGNED,
        },
    )


async def stored_unmatched(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(select(unmatched_payments))).mappings())


@pytest.mark.rule("P6.1")
async def test_cash_collected_on_delivery_is_a_payment_once(engine: AsyncEngine) -> None:
    await consume(engine, handlers.open_account, placed())

    first = await consume(engine, handlers.collect_cash, delivered())
    again = await consume(engine, handlers.collect_cash, delivered())

    (received,) = of(PaymentReceived, first)
    assert (received.payload.kind, received.payload.bank_transaction_id) == (
        "cash_on_delivery",
        "COD-SH-1",
    )
    assert again == []


@pytest.mark.rule("P6.2")
async def test_a_bank_payment_with_a_cash_on_delivery_id_is_held_and_the_real_cash_is_taken(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed())

    held = await consume(engine, handlers.receive_payment, bank("250.00", "COD-SH-1"))
    again = await consume(engine, handlers.receive_payment, bank("250.00", "COD-SH-1"))
    cash = await consume(engine, handlers.collect_cash, delivered())

    (unmatched,) = of(PaymentUnmatched, held)
    assert unmatched.payload.reason == OWN_TRANSACTION_REASON
    assert of(PaymentReceived, held) == [] and again == []
    (received,) = of(PaymentReceived, cash)
    assert (received.payload.kind, received.payload.bank_transaction_id) == (
        "cash_on_delivery",
        "COD-SH-1",
    )
    assert [p["kind"] for p in await stored_payments(engine)] == ["cash_on_delivery"]
    assert [u["reason"] for u in await stored_unmatched(engine)] == [OWN_TRANSACTION_REASON]


@pytest.mark.rule("P6.2")
async def test_a_bank_payment_with_an_id_finance_used_already_is_held_not_dropped(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.collect_cash, delivered())

    held = await consume(engine, handlers.receive_payment, bank("250.00", "COD-SH-1"))

    assert [e.payload.reason for e in of(PaymentUnmatched, held)] == [OWN_TRANSACTION_REASON]
    assert len(await stored_payments(engine)) == 1


@pytest.mark.rule("P6.2")
async def test_a_bank_payment_with_a_credit_id_is_held_and_the_credit_is_applied(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.open_account, placed(OTHER, "500.00"))
    await consume(engine, handlers.receive_payment, bank("1200.00"))
    forged = bank("100.00", "CREDIT-PAY-2026-000002", reference=OTHER)

    held = await consume(engine, handlers.receive_payment, forged)
    applied = await decide(
        engine,
        lambda ledger: decisions.apply_credit(ledger, ORDER, OTHER, None, "next order", MANAGER),
    )

    assert [e.payload.reason for e in of(PaymentUnmatched, held)] == [OWN_TRANSACTION_REASON]
    (credit,) = of(PaymentReceived, applied)
    assert (credit.payload.kind, credit.payload.bank_transaction_id) == (
        "credit",
        "CREDIT-PAY-2026-000002",
    )
    assert credit.payload.amount == Decimal("200.00")


@pytest.mark.rule("P6.2")
async def test_a_held_payment_with_finance_s_own_id_is_never_matched_nor_assigned(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.receive_payment, bank("1000.00", "CREDIT-X"))

    opened = await consume(engine, handlers.open_account, placed())

    assert of(PaymentReceived, opened) == []
    with pytest.raises(NotAllowedNow):
        await decide(
            engine, lambda ledger: decisions.assign_payment(ledger, "CREDIT-X", ORDER, CLERK)
        )
    await decide(
        engine,
        lambda ledger: decisions.refund_payment(ledger, "CREDIT-X", "forged", CLERK),
    )
    assert await stored_payments(engine) == []


@pytest.mark.rule("P6.2")
def test_finance_s_own_ids_are_built_in_its_reserved_namespace() -> None:
    assert commands.cash_transaction("SH-1").startswith(OWN_TRANSACTION_PREFIXES)
    assert OWN_TRANSACTION_PREFIXES == ("COD-", "CREDIT-")


@pytest.mark.rule("P6.4")
async def test_confirmations_beyond_the_money_column_publish_a_saturated_balance(
    engine: AsyncEngine,
) -> None:
    sixty = "60000000000000.00"

    first = await consume(engine, handlers.confirm_order, confirmed("B", ORDER, sixty))
    second = await consume(engine, handlers.confirm_order, confirmed("B", OTHER, sixty))
    declined = event(OrderClosed, ORDER, {"outcome": "declined"})
    down = await consume(engine, handlers.close_account, declined)

    published = [e.payload.open_balance for e in of(BalanceUpdated, first + second + down)]
    assert published == [Decimal(sixty), MAX_MONEY, Decimal(sixty)]
    async with engine.connect() as connection:
        (stored,) = (await connection.execute(select(customer_balances))).mappings()
    assert stored["open_balance"] == Decimal(sixty)


@pytest.mark.rule("P5.2")
async def test_the_automatic_policy_refuses_an_unpaid_b_shipment_and_the_payment_passes_it(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.confirm_order, confirmed("B"))
    await consume(engine, handlers.receive_payment, bank("900.00"))

    refused = await consume(engine, handlers.check_shipment, shipment(), policy=True)
    passed = await consume(engine, handlers.receive_payment, bank("100.00", "BANK-2"))

    (check,) = of(PaymentChecked, refused)
    assert (check.payload.outcome, check.payload.signed and check.payload.signed.user) == (
        "refused",
        "automatic-policy",
    )
    assert of(BalanceDue, refused)[0].payload.amount_due == Decimal("100.00")
    (again,) = of(PaymentChecked, passed)
    assert (again.payload.outcome, again.payload.signed) == ("passed", None)


@pytest.mark.rule("P5.2")
async def test_a_clerk_signs_a_paid_shipment_and_a_sales_rep_may_not(engine: AsyncEngine) -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.receive_payment, bank("1000.00"))
    assert await consume(engine, handlers.check_shipment, shipment()) == []

    with pytest.raises(BeyondAuthority):
        await decide(
            engine,
            lambda ledger: decisions.decide_check(
                ledger, "SH-1", True, "", Person("tom.becker", "sales_rep")
            ),
        )
    signed = await decide(
        engine, lambda ledger: decisions.decide_check(ledger, "SH-1", True, "", CLERK)
    )

    assert of(PaymentChecked, signed)[0].payload.outcome == "passed"
    async with engine.connect() as connection:
        (row,) = (await connection.execute(select(payment_checks))).mappings()
    assert row["status"] == "passed"


@pytest.mark.rule("P6.2")
async def test_the_finance_manager_applies_credit_to_the_customers_next_order(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.open_account, placed(OTHER, "500.00"))
    arisen = await consume(engine, handlers.receive_payment, bank("1200.00"))

    applied = await decide(
        engine,
        lambda ledger: decisions.apply_credit(ledger, ORDER, OTHER, None, "next order", MANAGER),
    )

    assert [e.payload.change for e in of(CreditChanged, arisen + applied)] == ["arisen", "applied"]
    (credit,) = of(PaymentReceived, applied)
    assert (credit.order_id, credit.payload.kind, credit.payload.amount) == (
        OTHER,
        "credit",
        Decimal("200.00"),
    )
    with pytest.raises(BeyondAuthority):
        await decide(
            engine, lambda ledger: decisions.refund_credit(ledger, ORDER, None, "x", CLERK)
        )


@pytest.mark.rule("P6.3")
async def test_the_collection_round_steps_an_overdue_invoice_once_per_step(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.open_account, placed(terms="net30"))
    await consume(engine, handlers.confirm_order, confirmed("A"))
    shipped = event(
        GoodsShipped,
        ORDER,
        {
            "shipment_id": "SH-1",
            "carrier": "DHL",
            "tracking_number": "TRK-1",
            "lines": [{"product_code": "PUMP-1", "quantity": 10}],
        },
    )
    await consume(engine, handlers.invoice_shipment, shipped)

    async def round_on(day: int) -> list[str]:
        async with engine.begin() as connection, rows.in_scope(connection):
            now = NOW + timedelta(days=30 + day)
            events = await collection_round(connection, Ledger(connection, now))
        return [e.payload.step for e in of(CollectionStepped, [republished(e) for e in events])]

    assert await round_on(0) == []
    assert await round_on(1) == ["reminder"]
    assert await round_on(1) == []
    assert await round_on(9) == ["follow_up"]
    async with engine.connect() as connection:
        assert await repository.due_for_collection(connection, NOW.date()) == []


@pytest.mark.rule("P5.2", "P6.4")
async def test_an_a_tier_customer_over_its_credit_limit_is_signed_with_a_credit_exception(
    engine: AsyncEngine,
) -> None:
    record = {
        "customer_id": "CUST-0001",
        "name": "Acme Pumps GmbH",
        "tier": "A",
        "currency": "EUR",
        "credit_limit": "500.00",
        "payment_terms": ["net60", "net30"],
        "deposit_percent": "0.00",
    }
    updated = new_event(
        CustomerUpdated, producer="sales", causation_id=None, occurred_at=NOW, payload=record
    )
    await consume(engine, handlers.record_customer, updated)
    await consume(engine, handlers.open_account, placed())
    await consume(engine, handlers.confirm_order, confirmed("A"))

    checked = await consume(engine, handlers.check_shipment, shipment(), policy=True)

    (passed,) = of(PaymentChecked, checked)
    assert (passed.payload.outcome, passed.payload.credit_exception) == ("passed", True)
    assert "credit limit 500.00" in passed.payload.reason
