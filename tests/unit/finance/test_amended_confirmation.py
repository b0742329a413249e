"""Finance and a change after confirmation that was reviewed again (P7.3): the amended
confirmation of version n replaces the total and the deposit and asks only for the deposit's
difference; the applied change n brings the lines; whichever of the two arrives first, the
account ends the same. Shipments are valued once, the last taking what is left of the new
total; a new date of version n replaces the dates of lower versions."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance import handlers
from services.finance.domain.commands import ApplyChange, ConfirmOrder, CustomerTerms, Line
from services.finance.domain.events import DepositWasRequested, PaymentKind
from services.finance.domain.model import Account
from shared.contracts import (
    BalanceUpdated,
    ChangeDecided,
    ConfirmationIssued,
    ConfirmationSigned,
    CreditChanged,
    DepositRequested,
    InvoiceIssued,
    OrderReleased,
    PaymentReceived,
)
from shared.delivery_dates import DateSource
from tests.unit.arrival import in_either_order
from tests.unit.finance.builders import TODAY, opened, payment
from tests.unit.finance.test_changes import (
    ORDER,
    PRICE,
    account,
    bank,
    consume,
    engine,
    event,
    lines,
    of,
    placed,
    shipment,
    shipped,
)

__all__ = ["engine"]  # the fixture

CONFIRMED_ON = "2027-03-01"
AMENDED_ON = "2027-03-20"
ASKED_ON = "2027-03-10"


def confirmation(
    version: int = 1,
    total: str = "1000.00",
    deposit: str = "300.00",
    tier: str = "B",
    delivery: str = CONFIRMED_ON,
) -> ConfirmationIssued:
    """confirmation.issued of `version` (above 1: amended, P7.3)."""
    return event(
        ConfirmationIssued,
        {
            "customer_id": "CUST-0001",
            "tier": tier,
            "confirmed_delivery_date": delivery,
            "sent_on": "2026-11-20",
            "total_amount": total,
            "currency": "EUR",
            "deposit_amount": deposit,
            "document_path": f"/orders/{ORDER}/confirmation?version={version}",
            "version": version,
        },
    )


def increase(
    n: int = 2, quantity: int = 30, kinds: tuple[str, ...] = ("increase",), on: str = CONFIRMED_ON
) -> ChangeDecided:
    """change.decided applied for change n, reviewed again: the complete new lines."""
    return event(
        ChangeDecided,
        {
            "change_no": n,
            "outcome": "applied",
            "stage": "after_confirmation",
            "kinds": list(kinds),
            "lines": lines(quantity),
            "total_amount": str(PRICE * quantity),
            "delivery_date": on,
            "decided": None,
        },
    )


def signature(expected: str, version: int = 1) -> ConfirmationSigned:
    payload = {
        "received_on": "2026-11-25",
        "days_late": 3,
        "expected_delivery_date": expected,
        "version": version,
    }
    return event(ConfirmationSigned, payload)


def release(delivery: str, quantity: int = 20, version: int = 1) -> OrderReleased:
    payload = {
        "delivery_date": delivery,
        "lines": [{"product_code": "PUMP-1", "quantity": quantity}],
        "gate": "signed_and_deposit",
        "version": version,
    }
    return event(OrderReleased, payload)


async def deposit_paid(engine: AsyncEngine, tier: str = "B") -> None:
    """20 pumps at 50.00, confirmed to a B customer with a 30 % deposit, the deposit paid."""
    await consume(engine, handlers.open_account, placed(20))
    deposit = "300.00" if tier != "A" else "0.00"
    await consume(engine, handlers.confirm_order, confirmation(tier=tier, deposit=deposit))
    if tier != "A":
        await consume(engine, handlers.receive_payment, bank("300.00", "DEP-1"))


def confirm_order(total: str, deposit: str, tier: str, version: int = 1) -> ConfirmOrder:
    """Sales' confirmation of `version` at `total`, asking `deposit` of a `tier` customer."""
    return ConfirmOrder(
        ORDER, "CUST-0001", "EUR", Decimal(total), Decimal(deposit), TODAY, tier, version
    )


def confirmed_account(deposit: str, tier: str) -> Account:
    """20 pumps for 1,000.00, confirmed at version 1 asking `deposit` of a `tier` customer."""
    account = opened("1000.00", (Line("PUMP-1", 20, Decimal("1000.00")),))
    account.confirm(confirm_order("1000.00", deposit, tier))
    return account


def requested_deposits(events: list[Any]) -> list[Decimal]:
    return [e.payload.amount for e in of(DepositRequested, events)]


# -- the amended confirmation ------------------------------------------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.3")
async def test_an_amended_confirmation_from_1000_to_1500_asks_only_for_the_deposit_difference(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)

    events = await consume(engine, handlers.confirm_order, confirmation(2, "1500.00", "450.00"))

    assert requested_deposits(events) == [Decimal("150.00")]
    after = await account(engine)
    assert (after.total_amount, after.deposit_amount, after.confirmed_version) == (
        Decimal("1500.00"),
        Decimal("450.00"),
        2,
    )
    assert after.deposit_outstanding
    assert [e.payload.open_balance for e in of(BalanceUpdated, events)] == [Decimal("1200.00")]


@pytest.mark.rule("P7.3")
async def test_an_amended_confirmation_consumed_twice_asks_for_the_difference_once(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    amended = confirmation(2, "1500.00", "450.00")

    first = await consume(engine, handlers.confirm_order, amended)
    replayed = await consume(engine, handlers.confirm_order, amended)
    older = await consume(engine, handlers.confirm_order, confirmation())

    assert requested_deposits(first) == [Decimal("150.00")]
    assert replayed == [] and older == []
    assert (await account(engine)).deposit_amount == Decimal("450.00")


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P6.1")
async def test_the_deposit_difference_paid_after_the_amended_confirmation_is_a_deposit_payment(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    await consume(engine, handlers.confirm_order, confirmation(2, "1500.00", "450.00"))

    events = await consume(engine, handlers.receive_payment, bank("150.00", f"DEP-{ORDER}-2"))

    (paid,) = of(PaymentReceived, events)
    assert (paid.payload.kind, paid.payload.paid_total) == ("deposit", Decimal("450.00"))
    after = await account(engine)
    assert after.deposit_paid == Decimal("450.00") and not after.deposit_outstanding
    assert after.balance_due == Decimal("1050.00")


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.2")
async def test_an_a_tier_amended_confirmation_raises_the_total_and_asks_no_deposit(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine, tier="A")

    events = await consume(
        engine, handlers.confirm_order, confirmation(2, "1500.00", "0.00", tier="A")
    )

    assert requested_deposits(events) == []
    after = await account(engine)
    assert (after.total_amount, after.deposit_amount) == (Decimal("1500.00"), Decimal("0.00"))
    assert [e.payload.open_balance for e in of(BalanceUpdated, events)] == [Decimal("1500.00")]


# -- the amended confirmation and the decision, in either order ---------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P7.1")
@pytest.mark.parametrize("first", ["confirmation", "decision"])
async def test_an_increase_ends_the_same_whichever_of_confirmation_and_decision_comes_first(
    engine: AsyncEngine, first: str
) -> None:
    await deposit_paid(engine)
    amended = (handlers.confirm_order, confirmation(2, "1500.00", "450.00"))
    decision = (handlers.apply_change, increase(2, 30))

    events = await in_either_order(consume, engine, first, amended, decision)

    assert requested_deposits(events) == [Decimal("150.00")]
    assert [e.payload.open_balance for e in of(BalanceUpdated, events)] == [Decimal("1200.00")]
    after = await account(engine)
    assert (after.version, after.confirmed_version) == (2, 2)
    assert (after.total_amount, after.deposit_amount) == (Decimal("1500.00"), Decimal("450.00"))
    assert [(line.product_code, line.quantity) for line in after.lines] == [("PUMP-1", 30)]


@pytest.mark.rule("P7.3")
def test_a_decision_with_an_increase_leaves_the_unpaid_deposit_to_the_amended_confirmation() -> (
    None
):
    account = confirmed_account("300.00", "B")
    account.events.clear()
    # one line fewer, another product added: a decrease and an increase, 900.00 in all
    new_lines = (Line("PUMP-1", 10, Decimal("500.00")), Line("VALVE-1", 4, Decimal("400.00")))

    account.apply_change(
        ApplyChange(2, ("decrease", "increase"), new_lines, Decimal("900.00"), Decimal(0), TODAY),
        CustomerTerms(tier="B"),
    )

    assert (account.total_amount, account.deposit_amount) == (
        Decimal("900.00"),
        Decimal("300.00"),
    )
    account.confirm(confirm_order("900.00", "270.00", "B", version=2))
    assert account.deposit_amount == Decimal("270.00")
    assert [e.amount for e in account.events if isinstance(e, DepositWasRequested)] == [
        Decimal("270.00")
    ]


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P7.2")
def test_an_amended_confirmation_consumed_after_a_later_decrease_keeps_the_decreased_total() -> (
    None
):
    account = confirmed_account("0.00", "A")
    terms = CustomerTerms(tier="A")
    thirty = (Line("PUMP-1", 30, Decimal("1500.00")),)
    account.apply_change(
        ApplyChange(2, ("increase",), thirty, Decimal("1500.00"), Decimal(0), TODAY), terms
    )
    twenty_five = (Line("PUMP-1", 25, Decimal("1250.00")),)
    account.apply_change(
        ApplyChange(3, ("decrease",), twenty_five, Decimal("1250.00"), Decimal(0), TODAY), terms
    )

    account.confirm(confirm_order("1500.00", "0.00", "A", version=2))

    assert (account.version, account.confirmed_version, account.total_amount) == (
        3,
        2,
        Decimal("1250.00"),
    )


# -- shipments -----------------------------------------------------------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P6.3")
async def test_a_shipment_of_20_before_the_increase_and_one_of_the_extra_10_are_valued_1000_and_500(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    await consume(engine, handlers.check_shipment, shipment("SH-1", 20))
    first = await consume(engine, handlers.invoice_shipment, shipped("SH-1", 20))
    await consume(engine, handlers.confirm_order, confirmation(2, "1500.00", "450.00"))
    await consume(engine, handlers.apply_change, increase(2, 30))

    await consume(engine, handlers.check_shipment, shipment("SH-2", 10))
    second = await consume(engine, handlers.invoice_shipment, shipped("SH-2", 10))

    assert [i.payload.amount for i in of(InvoiceIssued, first + second)] == [
        20 * PRICE,
        Decimal("500.00"),
    ]
    assert sum(v.amount for v in (await account(engine)).valued) == Decimal("1500.00")


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P6.3")
async def test_a_single_shipment_of_30_after_the_increase_is_valued_30_times_the_price(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    await consume(engine, handlers.apply_change, increase(2, 30))
    await consume(engine, handlers.confirm_order, confirmation(2, "1500.00", "450.00"))

    await consume(engine, handlers.check_shipment, shipment("SH-1", 30))
    events = await consume(engine, handlers.invoice_shipment, shipped("SH-1", 30))

    assert [i.payload.amount for i in of(InvoiceIssued, events)] == [30 * PRICE]


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P5.2")
async def test_a_shipment_of_the_first_20_between_the_amended_confirmation_and_its_decision_is_worth_1000(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    await consume(engine, handlers.confirm_order, confirmation(2, "1500.00", "450.00"))

    await consume(engine, handlers.check_shipment, shipment("SH-1", 20))
    await consume(engine, handlers.apply_change, increase(2, 30))
    await consume(engine, handlers.check_shipment, shipment("SH-2", 10))

    after = await account(engine)
    assert [(v.shipment_id, v.amount) for v in after.valued] == [
        ("SH-1", Decimal("1000.00")),
        ("SH-2", Decimal("500.00")),
    ]


# -- the delivery date ---------------------------------------------------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.5")
@pytest.mark.parametrize("first", ["confirmation", "decision"])
async def test_a_new_date_of_version_2_replaces_the_release_date_and_the_amended_one_wins(
    engine: AsyncEngine, first: str
) -> None:
    await deposit_paid(engine)
    await consume(engine, handlers.record_release, release("2027-03-05"))
    amended = (handlers.confirm_order, confirmation(2, "1500.00", "450.00", delivery=AMENDED_ON))
    decision = (handlers.apply_change, increase(2, 30, ("increase", "date"), on=ASKED_ON))

    await in_either_order(consume, engine, first, amended, decision)

    assert (await account(engine)).confirmed_delivery_date == date.fromisoformat(AMENDED_ON)


@pytest.mark.rule("P7.3")
async def test_a_date_change_decided_alone_moves_the_accounts_date(engine: AsyncEngine) -> None:
    await deposit_paid(engine)
    await consume(engine, handlers.record_release, release("2027-03-05"))

    await consume(engine, handlers.apply_change, increase(2, 20, ("date",), on=ASKED_ON))

    assert (await account(engine)).confirmed_delivery_date == date.fromisoformat(ASKED_ON)


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.4")
async def test_a_late_signature_and_release_of_version_1_do_not_move_an_amended_date_back(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    await consume(
        engine,
        handlers.confirm_order,
        confirmation(2, "1500.00", "450.00", delivery=AMENDED_ON),
    )

    await consume(engine, handlers.record_signature, signature("2027-03-08"))
    await consume(engine, handlers.record_release, release("2027-03-09"))
    assert (await account(engine)).confirmed_delivery_date == date.fromisoformat(AMENDED_ON)

    await consume(engine, handlers.record_release, release("2027-03-25", 30, version=2))
    assert (await account(engine)).confirmed_delivery_date == date(2027, 3, 25)


@pytest.mark.rule("P7.3")
def test_a_decrease_keeps_the_released_date_though_its_decision_carries_the_asked_one() -> None:
    account = confirmed_account("0", "A")
    account.move_delivery(date(2027, 4, 1), DateSource.RELEASED)

    account.apply_change(
        ApplyChange(
            2,
            ("decrease",),
            (Line("PUMP-1", 15, Decimal("750.00")),),
            Decimal("750.00"),
            Decimal(0),
            TODAY,
            delivery_date=date(2027, 3, 1),
        ),
        CustomerTerms(tier="A"),
    )

    assert account.confirmed_delivery_date == date(2027, 4, 1)


@pytest.mark.rule("P7.3")
def test_a_payment_while_the_amended_deposit_is_open_is_the_deposit() -> None:
    account = confirmed_account("300.00", "B")
    account.receive_payment("PAY-1", payment("300.00", "DEP-1"))
    account.confirm(confirm_order("1500.00", "450.00", "B", version=2))

    paid = account.receive_payment("PAY-2", payment("150.00", "DEP-2"))

    assert paid.kind is PaymentKind.DEPOSIT


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P6.2")
async def test_credit_an_increase_takes_is_announced_as_applied_to_the_order_not_left_to_refund(
    engine: AsyncEngine,
) -> None:
    await deposit_paid(engine)
    arisen = await consume(engine, handlers.receive_payment, bank("900.00", "BANK-2"))
    assert [e.payload.change for e in of(CreditChanged, arisen)] == ["arisen"]  # 1,200 of 1,000

    events = await consume(engine, handlers.confirm_order, confirmation(2, "1500.00", "450.00"))

    [taken] = of(CreditChanged, events)
    assert (taken.payload.change, taken.payload.amount, taken.payload.available) == (
        "applied",
        Decimal("200.00"),
        Decimal("0.00"),
    )
    assert taken.payload.applied_to == ORDER
    assert taken.payload.decided is None
    assert (await account(engine)).credit == Decimal("0.00")
