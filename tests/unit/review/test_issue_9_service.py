"""Defects of issue #9 seen from review's messages and API: the entrant on `order.placed`, the
delivery date kept from `confirmation.signed` and `order.released`, and the credit check that
counts the customer's approved orders and is made again at confirmation (P3.4, P3.5, P6.4,
P8.1)."""

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.contracts import (
    ConfirmationIssued,
    ConfirmationSigned,
    OrderPlaced,
    OrderReleased,
    topics,
)
from shared.messaging.events import new_event
from shared.messaging.pipeline import Delivery
from shared.messaging.routes import Source
from tests.unit.review.test_service import (
    APPROVE,
    REQUESTED,
    START,
    Review,
    assessed,
    placed,
    start,
    with_master_data,
)

ORDER = "SO-2027-000001"
SECOND = "SO-2027-000002"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Review]:
    async for running in start(tmp_path):
        yield running


def entered(by: str, role: str, order_id: str = ORDER) -> OrderPlaced:
    """A 53 600.00 EUR order (beyond the sales manager's authority) entered at the desk."""
    body = placed(
        order_id, code="PUMP-CP65", customer_id="CUST-0004", quantity=40, unit_price="1340.00"
    ).model_dump(mode="json")
    body["payload"]["entered_by"] = {"user": by, "role": role, "at": START.isoformat()}
    return OrderPlaced.model_validate(body)


def issued(order_id: str = ORDER, confirmed: date = REQUESTED) -> ConfirmationIssued:
    return new_event(
        ConfirmationIssued,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload={
            "customer_id": "CUST-0002",
            "tier": "A",
            "confirmed_delivery_date": confirmed,
            "sent_on": START.date(),
            "total_amount": "15000.00",
            "currency": "EUR",
            "deposit_amount": "0.00",
            "document_path": f"/orders/{order_id}/confirmation",
        },
    )


def signed(expected: date, order_id: str = ORDER) -> ConfirmationSigned:
    return new_event(
        ConfirmationSigned,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload={
            "received_on": START.date(),
            "days_late": (expected - REQUESTED).days,
            "expected_delivery_date": expected,
        },
    )


def released(delivery: date, order_id: str = ORDER) -> OrderReleased:
    return new_event(
        OrderReleased,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload={
            "delivery_date": delivery,
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
            "gate": "signed",
        },
    )


async def approved(service: Review, order_id: str = ORDER, **order: Any) -> None:
    await service.consume(placed(order_id, **order))
    response = await service.post("sales_manager", f"/reviews/{order_id}/approvals", APPROVE)
    assert response.status_code == 200, response.text
    await service.consume(assessed(order_id))


# -- the entrant (2) -----------------------------------------------------------------------------


@pytest.mark.rule("P8.1")
async def test_the_sales_manager_who_entered_the_order_is_refused_as_its_approver(
    service: Review,
) -> None:
    await with_master_data(service, "PUMP-CP65", customer_id="CUST-0004")
    await service.consume(entered("jonas.weber", "sales_manager"))

    own = await service.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)

    assert own.status_code == 403, own.text
    view = await service.view(ORDER)
    assert view["entered_by"] == "jonas.weber"
    assert view["approvals"][0]["status"] == "pending"


@pytest.mark.rule("P8.1")
async def test_the_general_manager_who_entered_the_order_is_refused_as_its_approver(
    service: Review,
) -> None:
    await with_master_data(service, "PUMP-CP65", customer_id="CUST-0004")
    await service.consume(entered("li.wang", "general_manager"))
    await service.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)

    own = await service.post("general_manager", f"/reviews/{ORDER}/approvals", APPROVE)

    assert own.status_code == 403, own.text
    assert (await service.view(ORDER))["approvals"][1]["status"] == "pending"


@pytest.mark.rule("P2.3")
async def test_the_general_manager_signing_before_the_sales_manager_is_not_allowed_now(
    service: Review,
) -> None:
    await with_master_data(service, "PUMP-CP65", customer_id="CUST-0004")
    await service.consume(entered("mei.zhang", "sales_rep"))

    early = await service.post("general_manager", f"/reviews/{ORDER}/approvals", APPROVE)

    assert early.status_code == 409, early.text
    assert early.json()["detail"]["error"] == "not_allowed_now"


# -- the agreed date (3) -------------------------------------------------------------------------


@pytest.mark.rule("P2.6")
async def test_an_agreed_date_in_the_past_or_before_the_offer_is_an_invalid_decision(
    service: Review,
) -> None:
    await with_master_data(service)
    await service.consume(placed())
    await service.consume(assessed(production="later", available_from=date(2027, 8, 20)))
    path = f"/reviews/{ORDER}/negotiation"

    early = await service.post(
        "general_manager", path, {"outcome": "accepted", "agreed_date": "2027-08-19"}
    )
    past = await service.post(
        "general_manager", path, {"outcome": "accepted", "agreed_date": "2027-02-28"}
    )

    assert (early.status_code, past.status_code) == (422, 422)
    assert early.json()["detail"]["error"] == "invalid_decision"
    assert (await service.view(ORDER))["negotiation"]["status"] == "open"


# -- the current delivery date (5) ---------------------------------------------------------------


@pytest.mark.rule("P3.4", "P3.5")
async def test_a_late_signature_moves_the_delivery_date_review_keeps(service: Review) -> None:
    await with_master_data(service)
    await approved(service)
    assert (await service.view(ORDER))["delivery_date"] == "2027-04-15"

    await service.consume(signed(REQUESTED + timedelta(days=2)))

    view = await service.view(ORDER)
    assert (view["delivery_date"], view["delivery_date_final"]) == ("2027-04-17", False)


@pytest.mark.rule("P3.4", "P3.5")
async def test_the_released_date_is_final_and_a_later_signature_does_not_move_it_back(
    service: Review,
) -> None:
    await with_master_data(service)
    await approved(service)
    await service.consume(signed(REQUESTED + timedelta(days=2)))
    await service.consume(released(REQUESTED + timedelta(days=2)))

    await service.consume(signed(REQUESTED + timedelta(days=5)))

    view = await service.view(ORDER)
    assert (view["delivery_date"], view["delivery_date_final"]) == ("2027-04-17", True)


async def test_a_signature_or_release_of_an_unknown_order_is_dead_lettered_with_the_reason(
    service: Review,
) -> None:
    for body in (signed(REQUESTED, "SO-0000"), released(REQUESTED, "SO-0000")):
        service.offset += 1
        await service.pipeline.consume(
            Source(str(body.event_type), 0, service.offset, None), body.model_dump_json().encode()
        )

    reasons = await service.dead_letters()
    assert len(reasons) == 2
    assert all("unknown order" in reason for reason in reasons)


# -- credit over several orders (4) --------------------------------------------------------------

SMALL: dict[str, Any] = {"customer_id": "CUST-0002", "quantity": 300, "unit_price": "48.50"}
"""14 550.00 EUR of CUST-0002 (tier A, credit limit 20 000.00 EUR): one fits, two do not."""


@pytest.mark.rule("P6.4")
async def test_an_approved_order_not_yet_confirmed_counts_in_the_next_orders_credit_check(
    service: Review,
) -> None:
    await with_master_data(service, customer_id="CUST-0002")
    await approved(service, ORDER, **SMALL)

    await service.consume(placed(SECOND, **SMALL))

    view = await service.view(SECOND)
    assert view["required_approvals"] == ["sales_manager", "general_manager"]
    assert "credit limit" in view["general_manager_reasons"][0]


@pytest.mark.rule("P6.4")
async def test_an_order_approved_meanwhile_sends_the_next_signature_to_the_general_manager(
    service: Review,
) -> None:
    await with_master_data(service, customer_id="CUST-0002")
    await service.consume(placed(ORDER, **SMALL))
    await service.consume(placed(SECOND, **SMALL))
    assert (await service.view(SECOND))["required_approvals"] == ["sales_manager"]
    await service.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    await service.consume(assessed(ORDER))

    await service.post("sales_manager", f"/reviews/{SECOND}/approvals", APPROVE)
    await service.consume(assessed(SECOND))

    view = await service.view(SECOND)
    assert view["status"] == "in_review"
    assert view["required_approvals"] == ["sales_manager", "general_manager"]
    assert await service.published(topics.REVIEW_COMPLETED, SECOND) == []


@pytest.mark.rule("P6.4")
async def test_a_credit_limit_exceeded_by_the_time_of_confirmation_is_escalated_once(
    service: Review,
) -> None:
    await with_master_data(service, customer_id="CUST-0002")
    for order_id in (ORDER, SECOND):  # both signed before either was approved
        await service.consume(placed(order_id, **SMALL))
        await service.post("sales_manager", f"/reviews/{order_id}/approvals", APPROVE)
    for order_id in (ORDER, SECOND):
        await service.consume(assessed(order_id))
    assert len(await service.published(topics.REVIEW_COMPLETED)) == 2

    await service.consume(issued(ORDER))
    await service.consume(issued(ORDER))

    (escalated,) = await service.published(topics.REVIEW_ESCALATED)
    assert escalated["order_id"] == ORDER
    assert escalated["payload"]["waiting_for"] == ["approval:general_manager", "credit_limit"]
    view = await service.view(ORDER)
    assert any("credit limit" in reason for reason in view["general_manager_reasons"])
    assert view["confirmed_at"] is not None

    await service.consume(issued(SECOND))  # the first is in finance's balance now, not review's
    assert len(await service.published(topics.REVIEW_ESCALATED)) == 1


@pytest.mark.rule("P6.4")
async def test_confirmations_in_one_batch_see_each_others_approvals_leave_the_count(
    service: Review,
) -> None:
    """The approved-unconfirmed totals are read once per batch: a confirmation earlier in the
    batch must take its order out of them for the checks after it."""
    await with_master_data(service, customer_id="CUST-0002")
    for order_id in (ORDER, SECOND):
        await service.consume(placed(order_id, **SMALL))
        await service.post("sales_manager", f"/reviews/{order_id}/approvals", APPROVE)
    for order_id in (ORDER, SECOND):
        await service.consume(assessed(order_id))

    batch = [issued(ORDER), issued(SECOND)]
    await service.pipeline.consume_batch(
        [
            Delivery(
                Source(str(body.event_type), 0, 1000 + n, None), body.model_dump_json().encode()
            )
            for n, body in enumerate(batch)
        ]
    )

    (escalated,) = await service.published(topics.REVIEW_ESCALATED)  # the first counts the second
    assert escalated["order_id"] == ORDER
    assert (await service.view(SECOND))["confirmed_at"] is not None
