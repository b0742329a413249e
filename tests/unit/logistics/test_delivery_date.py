"""Logistics keeps the order's current delivery date: the confirmed one, moved by a late
signature (P3.4), replaced by the release's (P3.3, P3.5) and after that only by a person's
revision (P4.10); a kind of date from an earlier step consumed late never moves it back."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.logistics import handlers
from services.logistics.adapters import repository
from services.logistics.adapters.tables import metadata
from services.logistics.domain.model import OrderShipping
from services.logistics.views import order_view
from shared.contracts import ConfirmationSigned, Event, OrderReleased
from shared.db import rows
from shared.delivery_dates import DateSource
from tests.support.databases import sqlite_database
from tests.unit.logistics.builders import (
    AUTHORITY,
    ORDER,
    confirmation_issued,
    incoming,
    message,
    order_placed,
)

CONFIRMED = date(2026, 12, 15)  # confirmation_issued's date
SIGNED_LATE = date(2026, 12, 18)
RELEASED = date(2026, 12, 21)
REVISED = date(2027, 1, 8)


def confirmed() -> OrderShipping:
    order = OrderShipping(ORDER)
    order.confirm("B", CONFIRMED)
    return order


@pytest.mark.rule("P3.4")
def test_a_late_signature_moves_the_orders_delivery_date_to_the_expected_one() -> None:
    order = confirmed()

    order.move_delivery(SIGNED_LATE, DateSource.SIGNED)

    assert order.delivery_date == SIGNED_LATE


@pytest.mark.rule("P3.4", "P3.3")
def test_a_signature_consumed_after_the_release_does_not_move_the_date_back() -> None:
    order = confirmed()
    order.move_delivery(RELEASED, DateSource.RELEASED)

    order.move_delivery(SIGNED_LATE, DateSource.SIGNED)
    order.confirm("B", CONFIRMED)

    assert (order.delivery_date, order.tier) == (RELEASED, "B")


@pytest.mark.rule("P4.10")
def test_a_person_s_revision_after_the_release_moves_the_date_and_a_replayed_release_does_not_undo_it() -> (  # noqa: E501
    None
):
    order = confirmed()
    order.move_delivery(RELEASED, DateSource.RELEASED)

    order.revise_delivery(REVISED)
    order.move_delivery(RELEASED, DateSource.RELEASED)

    assert order.delivery_date == REVISED


# -- on the bus, stored between units of work -------------------------------------------------


def signed(expected: date) -> ConfirmationSigned:
    payload = {"received_on": "2026-11-05", "days_late": 3, "expected_delivery_date": expected}
    return message(ConfirmationSigned, payload)  # type: ignore[no-any-return]


def released(delivery_date: date) -> OrderReleased:
    payload = {
        "delivery_date": delivery_date,
        "lines": [{"product_code": "PUMP-1", "quantity": 10}],
        "gate": "signed_and_deposit",
    }
    return message(OrderReleased, payload)  # type: ignore[no-any-return]


@pytest.mark.rule("P3.4", "P3.3", "P3.5")
async def test_the_order_shows_the_release_date_whatever_order_the_dates_arrive_in(
    tmp_path: Path,
) -> None:
    steps: list[tuple[Any, Event]] = [
        (handlers.place_order, order_placed()),
        (handlers.record_release, released(RELEASED)),
        (handlers.record_signature, signed(SIGNED_LATE)),
        (handlers.confirm_order, confirmation_issued()),
    ]
    async with sqlite_database(tmp_path / "logistics.db", metadata) as engine:
        for handler, body in steps:
            async with engine.begin() as connection, rows.in_scope(connection):
                await handler(connection, incoming(body), release_authority=AUTHORITY)
        async with engine.connect() as connection:
            order = await repository.load_order(connection, ORDER)

    assert order is not None
    assert order_view(order, [])["delivery_date"] == RELEASED
