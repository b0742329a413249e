"""Collection on the clock: payments cover invoices oldest first; an unpaid invoice walks
reminder, follow-up, sales manager and general manager, each step once, the promised day
deferring the sales manager's; paid, it is cleared (P6.3)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.finance.domain.collection import Invoice, next_step_on, step_day
from services.finance.domain.events import CollectionWasStepped
from services.finance.domain.model import Account
from shared.decisions import InvalidDecision, NotAllowedNow, Signature
from tests.unit.finance.builders import AT, ORDER, TODAY, opened, payment, shipped, tier

INVOICE = f"INV-{ORDER}-1"
DUE = TODAY + timedelta(days=30)
REP = Signature("tom.becker", "sales_rep", AT)
SERVICE = Signature("ines.duarte", "customer_service", AT)


def invoiced(*shipments: int) -> Account:
    account = opened("1000.00")
    for number in shipments or (10,):
        account.ship(shipped(f"SH-{number}", ("PUMP-1", number)), tier("A"))
    account.events.clear()
    return account


def steps(account: Account) -> list[tuple[str, int, bool]]:
    return [
        (e.step, e.days_overdue, e.invoice.escalated and e.step != "cleared")
        for e in account.events
        if isinstance(e, CollectionWasStepped)
    ]


def walk(account: Account, *days: int) -> None:
    for day in days:
        account.walk_collection(DUE + timedelta(days=day))


@pytest.mark.rule("P6.3")
def test_an_unpaid_invoice_walks_the_steps_in_order_each_once() -> None:
    account = invoiced()

    walk(account, 0, 1, 2, 8, 9, 15, 29, 30, 31, 90)

    assert steps(account) == [
        ("reminder", 1, False),
        ("follow_up", 8, False),
        ("sales_manager", 15, True),
        ("general_manager", 30, True),
    ]
    assert account.next_collection_on is None


@pytest.mark.rule("P6.3")
def test_a_late_round_reaches_every_step_due_at_once_in_order() -> None:
    account = invoiced()

    walk(account, 40)

    assert [step for step, _days, _escalated in steps(account)] == [
        "reminder",
        "follow_up",
        "sales_manager",
        "general_manager",
    ]


@pytest.mark.rule("P6.3")
def test_the_promised_day_defers_the_sales_managers_step() -> None:
    account = invoiced()
    walk(account, 8)
    promised = DUE + timedelta(days=20)

    recorded = account.record_collection(
        INVOICE, "follow_up", DUE + timedelta(days=9), "", REP, promised
    )
    account.events.clear()
    walk(account, 15, 20)
    assert steps(account) == []
    walk(account, 21)

    assert recorded.promised_on == promised
    assert step_day(recorded, "sales_manager") == DUE + timedelta(days=21)
    assert [step for step, _d, _e in steps(account)] == ["sales_manager"]


def promised_after_escalation(promised: date) -> Invoice:
    """An invoice that reached the sales manager's step, with a promised day (as one recorded
    before the fix could have it)."""
    account = invoiced()
    walk(account, 15)
    return replace(account.invoice(INVOICE), promised_on=promised)


@pytest.mark.rule("P6.3")
def test_a_follow_up_once_the_sales_managers_step_is_reached_is_refused() -> None:
    account = invoiced()
    walk(account, 15)
    account.events.clear()

    with pytest.raises(NotAllowedNow):
        account.record_collection(
            INVOICE, "follow_up", DUE + timedelta(days=16), "", REP, DUE + timedelta(days=60)
        )

    assert account.invoice(INVOICE).promised_on is None
    assert steps(account) == []


@pytest.mark.rule("P6.3")
def test_a_promised_day_after_the_sales_managers_step_moves_no_later_step() -> None:
    invoice = promised_after_escalation(DUE + timedelta(days=60))

    assert step_day(invoice, "general_manager") == DUE + timedelta(days=30)
    assert next_step_on(invoice) == DUE + timedelta(days=30)


@pytest.mark.rule("P6.3")
def test_the_general_managers_step_comes_on_time_after_an_escalation() -> None:
    account = invoiced()
    walk(account, 8)
    account.record_collection(
        INVOICE, "follow_up", DUE + timedelta(days=9), "", REP, DUE + timedelta(days=10)
    )
    walk(account, 15)
    account.events.clear()

    with pytest.raises(NotAllowedNow):
        account.record_collection(
            INVOICE, "follow_up", DUE + timedelta(days=16), "", REP, DUE + timedelta(days=60)
        )
    walk(account, 30)

    assert [step for step, _d, _e in steps(account)] == ["general_manager"]


@pytest.mark.rule("P6.3")
def test_a_persons_recording_publishes_the_step_again_with_who_recorded_it() -> None:
    account = invoiced()
    walk(account, 1)
    account.events.clear()

    account.record_collection(INVOICE, "reminder", DUE + timedelta(days=2), "called", SERVICE)

    (event,) = [e for e in account.events if isinstance(e, CollectionWasStepped)]
    assert (event.step, event.recorded, event.note) == ("reminder", SERVICE, "called")


@pytest.mark.rule("P6.3")
def test_a_step_not_reached_yet_cannot_be_recorded() -> None:
    account = invoiced()

    with pytest.raises(NotAllowedNow):
        account.record_collection(INVOICE, "reminder", DUE, "too early", SERVICE)


@pytest.mark.rule("P6.3")
def test_a_promised_day_in_the_past_is_invalid() -> None:
    account = invoiced()
    walk(account, 8)

    with pytest.raises(InvalidDecision):
        account.record_collection(INVOICE, "follow_up", DUE + timedelta(days=9), "", REP, DUE)


@pytest.mark.rule("P6.3")
def test_an_invoice_paid_after_a_step_is_cleared_and_no_longer_escalated() -> None:
    account = invoiced()
    walk(account, 16)
    account.events.clear()

    account.receive_payment("PAY-1", payment("1000.00"))
    walk(account, 40)

    assert steps(account) == [("cleared", 0, False)]
    assert account.overdue_invoices == 0


@pytest.mark.rule("P6.3")
def test_an_invoice_paid_on_time_is_never_chased_nor_cleared() -> None:
    account = invoiced()

    account.receive_payment("PAY-1", payment("1000.00"))
    walk(account, 40)

    assert steps(account) == []


@pytest.mark.rule("P6.3")
def test_payments_cover_invoices_oldest_first() -> None:
    account = invoiced(4, 6)

    account.receive_payment("PAY-1", payment("500.00"))
    walk(account, 1)

    assert [i.open_amount for i in account.invoices] == [Decimal("0.00"), Decimal("500.00")]
    assert [
        e.invoice.invoice_number for e in account.events if isinstance(e, CollectionWasStepped)
    ] == [f"INV-{ORDER}-2"]


@pytest.mark.rule("P6.3", "P6.4")
def test_an_invoice_past_a_step_counts_as_overdue_for_the_credit_check() -> None:
    account = invoiced()
    assert account.overdue_invoices == 0

    walk(account, 1)

    assert account.overdue_invoices == 1
    assert account.next_collection_on == date.fromordinal(DUE.toordinal() + 8)
