"""Finance keeps the order's current delivery date: the confirmed one, moved by a late
signature (P3.4), replaced by the release's (P3.3, P3.5) and after that only by a person's
revision (P4.10); topics are not ordered against each other, so an earlier kind of date
arriving late never moves it back."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from services.finance import handlers
from services.finance.adapters import repository
from services.finance.app import DEFINITION
from services.finance.domain.commands import ConfirmOrder
from services.finance.domain.model import Account, Outcome
from services.finance.views import account_view
from shared.contracts import ConfirmationSigned, Event, OrderReleased
from shared.db import rows
from shared.delivery_dates import DateSource
from shared.messaging.events import new_event
from shared.messaging.routes import Incoming, Source
from tests.support.databases import sqlite_database

ORDER = "SO-2026-000001"
CONFIRMED = date(2027, 3, 15)
SIGNED_LATE = date(2027, 3, 18)
RELEASED = date(2027, 3, 20)
REVISED = date(2027, 4, 2)
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def confirmed() -> Account:
    account = Account.start(ORDER)
    account.confirm(
        ConfirmOrder(ORDER, "CUST-0011", "EUR", Decimal("1000.00"), Decimal(0), CONFIRMED, "B")
    )
    return account


@pytest.mark.rule("P3.4")
def test_a_late_signature_moves_the_accounts_delivery_date_to_the_expected_one() -> None:
    account = confirmed()

    account.move_delivery(SIGNED_LATE, DateSource.SIGNED)

    assert account.confirmed_delivery_date == SIGNED_LATE


@pytest.mark.rule("P3.3", "P3.5")
def test_the_release_date_is_the_accounts_delivery_date() -> None:
    account = confirmed()
    account.move_delivery(SIGNED_LATE, DateSource.SIGNED)

    account.move_delivery(RELEASED, DateSource.RELEASED)

    assert account.confirmed_delivery_date == RELEASED


@pytest.mark.rule("P3.4", "P3.3")
def test_a_signature_arriving_after_the_release_does_not_move_the_date_back() -> None:
    account = confirmed()
    account.move_delivery(RELEASED, DateSource.RELEASED)

    account.move_delivery(SIGNED_LATE, DateSource.SIGNED)

    assert account.confirmed_delivery_date == RELEASED


@pytest.mark.rule("P3.4")
def test_a_confirmation_arriving_after_the_signature_keeps_the_signatures_date() -> None:
    account = Account.start(ORDER)
    account.move_delivery(SIGNED_LATE, DateSource.SIGNED)

    account.confirm(
        ConfirmOrder(ORDER, "CUST-0011", "EUR", Decimal("1000.00"), Decimal(0), CONFIRMED, "B")
    )

    assert account.confirmed and account.confirmed_delivery_date == SIGNED_LATE


@pytest.mark.rule("P4.10")
def test_a_person_s_revision_after_the_release_moves_the_date_and_nothing_earlier_undoes_it() -> (
    None
):
    account = confirmed()
    account.move_delivery(RELEASED, DateSource.RELEASED)

    account.revise_delivery(REVISED)
    account.move_delivery(RELEASED, DateSource.RELEASED)
    account.move_delivery(SIGNED_LATE, DateSource.SIGNED)

    assert account.confirmed_delivery_date == REVISED


@pytest.mark.rule("P4.10")
def test_a_closed_accounts_delivery_date_moves_no_more() -> None:
    account = confirmed()
    account.close(Outcome.FULFILLED)

    account.move_delivery(RELEASED, DateSource.RELEASED)

    assert account.confirmed_delivery_date == CONFIRMED


# -- on the bus, stored between units of work -------------------------------------------------


def message(kind: type[Event], payload: dict[str, Any]) -> Any:
    return new_event(
        kind, order_id=ORDER, producer="sales", causation_id=None, occurred_at=NOW, payload=payload
    )


def signed(expected: date) -> ConfirmationSigned:
    payload = {"received_on": "2026-11-25", "days_late": 3, "expected_delivery_date": expected}
    return message(ConfirmationSigned, payload)  # type: ignore[no-any-return]


def released(delivery_date: date) -> OrderReleased:
    payload = {
        "delivery_date": delivery_date,
        "lines": [{"product_code": "PUMP-1", "quantity": 10}],
        "gate": "signed_and_deposit",
    }
    return message(OrderReleased, payload)  # type: ignore[no-any-return]


@pytest.mark.rule("P3.4", "P3.3")
async def test_finance_takes_the_release_date_and_a_signature_consumed_after_it_changes_nothing(
    tmp_path: Path,
) -> None:
    async with sqlite_database(tmp_path / "finance.db", DEFINITION.migrations) as engine:
        steps: list[tuple[Any, Event]] = [
            (handlers.record_signature, signed(SIGNED_LATE)),
            (handlers.record_release, released(RELEASED)),
            (handlers.record_signature, signed(date(2027, 3, 25))),
        ]
        for handler, body in steps:
            async with engine.begin() as connection, rows.in_scope(connection):
                source = Source(body.TOPIC, 0, 0, None)
                assert await handler(connection, Incoming(body, source, body.event_id, NOW)) == []
        async with engine.connect() as connection:
            account = await repository.load(connection, ORDER)

    assert account is not None
    assert account_view(account)["delivery_date"] == RELEASED
