"""Credit notes for returned goods (P7.5, P6.3): the units QA accepted on a return with remedy
credit are credited once per return at the applied version's average price, never above what
was invoiced for the product; the balance and the open invoices fall by it."""

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance import handlers
from services.finance.adapters.tables import credit_notes
from services.finance.app import DEFINITION
from shared.contracts import BalanceUpdated, CreditChanged, CreditNoteIssued, ReturnStepped
from shared.messaging.routes import MessageRejected
from tests.support.databases import sqlite_database
from tests.unit.finance.test_changes import (
    NOW,
    ORDER,
    PRICE,
    account,
    bank,
    confirmed,
    consume,
    event,
    of,
    placed,
    shipment,
    shipped,
)

INSPECTOR = {"user": "qa.lee", "role": "qa_inspector", "at": NOW}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "finance.db", DEFINITION.migrations) as engine:
        yield engine


def stepped(
    step: str = "inspected",
    accepted: int = 5,
    rejected: int = 0,
    remedy: str = "credit",
    number: str = f"RT-{ORDER}-1",
) -> ReturnStepped:
    received = accepted + rejected
    payload: dict[str, Any] = {
        "return_number": number,
        "step": step,
        "shipment_id": "SH-1",
        "lines": [{"product_code": "PUMP-1", "quantity": received}],
        "remedy": remedy,
        "reason": "damaged in transit",
        "signed": INSPECTOR,
    }
    if step == "inspected":
        payload["inspected"] = [
            {"product_code": "PUMP-1", "accepted": accepted, "rejected": rejected}
        ]
    return event(ReturnStepped, payload)


async def delivered(engine: AsyncEngine, quantity: int = 10, sent: int = 10) -> None:
    """An order of `quantity` at PRICE, confirmed (no deposit), `sent` shipped and invoiced."""
    await consume(engine, handlers.open_account, placed(quantity))
    await consume(engine, handlers.confirm_order, confirmed("0.00"))
    await consume(engine, handlers.check_shipment, shipment("SH-1", sent))
    await consume(engine, handlers.invoice_shipment, shipped("SH-1", sent))


@pytest.mark.rule("P7.5")
@pytest.mark.rule("P6.3")
async def test_five_accepted_units_are_credited_at_their_line_price(engine: AsyncEngine) -> None:
    await delivered(engine)

    events = await consume(engine, handlers.credit_return, stepped(accepted=5, rejected=2))

    (note,) = of(CreditNoteIssued, events)
    assert (note.payload.credit_note_number, note.payload.return_number) == (
        f"CN-{ORDER}-1",
        f"RT-{ORDER}-1",
    )
    assert note.payload.amount == 5 * PRICE
    assert [(x.product_code, x.quantity, x.unit_value) for x in note.payload.lines] == [
        ("PUMP-1", 5, PRICE)
    ]
    async with engine.connect() as connection:
        stored = list((await connection.execute(select(credit_notes))).mappings())
    assert [row["credit_note_number"] for row in stored] == [f"CN-{ORDER}-1"]


@pytest.mark.rule("P7.5")
@pytest.mark.rule("P6.3")
async def test_the_balance_and_the_open_invoice_fall_by_the_credit_note(
    engine: AsyncEngine,
) -> None:
    await delivered(engine)

    events = await consume(engine, handlers.credit_return, stepped(accepted=5))

    (note,) = of(CreditNoteIssued, events)
    assert (note.payload.balance_due, note.payload.credit) == (Decimal("250.00"), Decimal("0"))
    (balance,) = of(BalanceUpdated, events)
    assert balance.payload.open_balance == Decimal("250.00")
    after = await account(engine)
    assert (after.credited, after.balance_due) == (Decimal("250.00"), Decimal("250.00"))
    assert [invoice.open_amount for invoice in after.invoices] == [Decimal("250.00")]


@pytest.mark.rule("P7.5")
@pytest.mark.rule("P6.3")
async def test_no_more_is_credited_than_was_invoiced_for_the_product(
    engine: AsyncEngine,
) -> None:
    await delivered(engine, quantity=10, sent=3)

    events = await consume(engine, handlers.credit_return, stepped(accepted=5))

    (note,) = of(CreditNoteIssued, events)
    assert note.payload.amount == 3 * PRICE
    after = await account(engine)
    assert [invoice.open_amount for invoice in after.invoices] == [Decimal("0.00")]
    assert after.balance_due == Decimal("350.00")


@pytest.mark.rule("P7.5")
async def test_a_return_is_credited_once(engine: AsyncEngine) -> None:
    await delivered(engine)

    first = await consume(engine, handlers.credit_return, stepped(accepted=5))
    again = await consume(engine, handlers.credit_return, stepped(accepted=5))

    assert len(of(CreditNoteIssued, first)) == 1
    assert again == []
    assert (await account(engine)).credited == Decimal("250.00")


@pytest.mark.rule("P7.5")
@pytest.mark.rule("P6.3")
async def test_a_credit_note_on_a_paid_order_turns_the_money_into_credit(
    engine: AsyncEngine,
) -> None:
    await delivered(engine)
    await consume(engine, handlers.receive_payment, bank("500.00"))

    events = await consume(engine, handlers.credit_return, stepped(accepted=2))

    (credit,) = of(CreditChanged, events)
    assert (credit.payload.change, credit.payload.amount) == ("arisen", Decimal("100.00"))
    assert f"CN-{ORDER}-1" in credit.payload.reason


@pytest.mark.rule("P7.5")
@pytest.mark.parametrize(
    "body",
    [
        stepped("requested"),
        stepped("authorised"),
        stepped("received"),
        stepped("inspected", accepted=5, remedy="replacement"),
        stepped("inspected", accepted=0, rejected=5),
    ],
    ids=["requested", "authorised", "received", "replacement", "nothing_accepted"],
)
async def test_other_steps_issue_no_credit_note(engine: AsyncEngine, body: ReturnStepped) -> None:
    await delivered(engine)

    assert await consume(engine, handlers.credit_return, body) == []
    assert (await account(engine)).credited == Decimal("0.00")


@pytest.mark.rule("P7.5")
async def test_a_return_number_of_another_order_is_refused(engine: AsyncEngine) -> None:
    await delivered(engine)

    with pytest.raises(MessageRejected):
        await consume(engine, handlers.credit_return, stepped(number="RT-SO-2026-000009-1"))
