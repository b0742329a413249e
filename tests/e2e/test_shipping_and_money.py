"""Shipping and money (P5, P6) end to end: five service processes on PostgreSQL and the real
broker; the people of logistics and finance act through their HTTP APIs, their automatic
policies off (review and production stand in by theirs: these scenarios are not about them).
Each test is named after the rules it shows (docs/shipping-and-money.md, docs/process.md).

The scenarios share one running company; the two that move the services' clock (the emergency
release's working day, the collection steps) run last, in that order.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.production import QUIET
from tests.support.shipping import Desk, Part, money, running_desk

pytestmark = pytest.mark.e2e

CRATE = Part("CRATE-M1", "WOOD-M1", on_hand="1000000", price="100.00")
"""Ten crates cost 1,000.00."""
PRESS = Part("PRESS-M2", "FRAME-M2", on_hand="1000000", price="1000.00")
"""Twenty-five presses (25,000.00) are beyond CUST-0002's credit limit of 20,000.00."""


def crates(quantity: int = 10) -> list[dict[str, object]]:
    return CRATE.lines(quantity)


@pytest.fixture(scope="module")
async def desk(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    async with running_desk(
        kafka, postgres_server, tmp_path_factory.mktemp("desk"), [CRATE, PRESS]
    ) as running:
        yield running


async def quiet() -> None:
    await asyncio.sleep(QUIET)


@pytest.mark.rule("P5.1", "P5.2", "P6.3", "P5.4", "P5.5")
async def test_a_b_tier_order_90_percent_paid_is_refused_with_a_balance_due_notice_and_ships_once_the_rest_is_paid_and_the_sales_manager_signs(  # noqa: E501
    desk: Desk,
) -> None:
    order_id = await desk.produced("CUST-0011", crates())
    shipment_id = await desk.request(order_id)
    await desk.pay(order_id, Decimal("600.00"))  # 300 deposit + 600: 90 % of 1,000
    await desk.event(
        topics.PAYMENT_RECEIVED, order_id, lambda e: money(e["payload"]["paid_total"]) == 900
    )

    signed = await desk.decide(shipment_id, "sign")
    assert signed.status_code == 409, signed.text
    refused = await desk.decide(shipment_id, "refuse", "10 % of the order is still unpaid")
    assert refused.status_code == 200, refused.text
    checked = await desk.event(topics.PAYMENT_CHECKED, order_id)
    assert checked["payload"]["outcome"] == "refused"
    assert checked["payload"]["signed"]["user"] == "hana.kim"
    notice = (await desk.event(topics.BALANCE_DUE, order_id))["payload"]
    assert (money(notice["amount_due"]), notice["shipment_id"]) == (Decimal("100.00"), shipment_id)
    early = await desk.post(
        "sales_manager", f"/shipments/{shipment_id}/release", {}, service="logistics"
    )
    assert early.status_code == 409, early.text

    await desk.pay(order_id, Decimal("100.00"))
    passed = await desk.event(
        topics.PAYMENT_CHECKED, order_id, lambda e: e["payload"]["outcome"] == "passed"
    )
    assert passed["payload"]["signed"] is None
    assert desk.events(topics.GOODS_SHIPPED, order_id) == []
    assert (await desk.shipment(shipment_id))["status"] == "requested"

    released = await desk.release(shipment_id, "sales_manager")
    assert released.status_code == 200, released.text
    release = (await desk.event(topics.SHIPMENT_RELEASED, order_id))["payload"]
    assert (release["kind"], release["released"]["user"]) == ("signed", "jonas.weber")
    await desk.ship(shipment_id)
    notice_sent = (await desk.event(topics.GOODS_SHIPPED, order_id))["payload"]
    assert notice_sent["carrier"] == "Rhenus Freight"
    assert len(notice_sent["waybills"]) == 1


@pytest.mark.rule("P5.2", "P6.4", "P5.1", "P8.1")
async def test_an_a_tier_order_over_its_credit_limit_ships_only_with_the_general_managers_signature(
    desk: Desk,
) -> None:
    order_id = await desk.produced("CUST-0002", PRESS.lines(25))
    shipment_id = await desk.request(order_id)
    signed = await desk.decide(shipment_id, "sign")
    assert signed.status_code == 200, signed.text
    checked = (await desk.event(topics.PAYMENT_CHECKED, order_id))["payload"]
    assert (checked["outcome"], checked["credit_exception"]) == ("passed", True)

    by_sales_manager = await desk.release(shipment_id, "sales_manager")
    assert by_sales_manager.status_code == 403, by_sales_manager.text
    await quiet()
    assert desk.events(topics.SHIPMENT_RELEASED, order_id) == []
    dispatched = await desk.dispatch(shipment_id)
    assert dispatched.status_code == 409, dispatched.text

    by_general_manager = await desk.release(shipment_id, "general_manager")
    assert by_general_manager.status_code == 200, by_general_manager.text
    await desk.ship(shipment_id)
    await desk.event(topics.GOODS_SHIPPED, order_id)


@pytest.mark.rule("P5.3")
async def test_dispatch_without_a_release_is_refused_and_changes_nothing(desk: Desk) -> None:
    order_id = await desk.produced("CUST-0001", crates(3))
    shipment_id = await desk.request(order_id)
    before = await desk.shipment(shipment_id)

    refused = await desk.dispatch(shipment_id)

    assert refused.status_code == 409, refused.text
    await quiet()
    assert await desk.shipment(shipment_id) == before
    assert desk.events(topics.GOODS_SHIPPED, order_id) == []


@pytest.mark.rule("P5.4")
async def test_three_waybills_for_two_parcels_are_refused_at_the_handover(desk: Desk) -> None:
    order_id = await desk.produced("CUST-0001", crates(4))
    shipment_id = await desk.request(order_id)
    assert (await desk.decide(shipment_id, "sign")).status_code == 200
    assert (await desk.release(shipment_id, "sales_manager")).status_code == 200
    await desk.outbound_check(shipment_id, parcels=2)
    before = await desk.shipment(shipment_id)

    three = await desk.post(
        "order_clerk",
        f"/shipments/{shipment_id}/handover",
        {"waybills": ["WB-T1", "WB-T2", "WB-T3"], "parcels": 2},
        service="logistics",
    )

    assert three.status_code == 422, three.text
    assert await desk.shipment(shipment_id) == before
    two = await desk.hand_over(shipment_id, ["WB-T1", "WB-T2"])
    assert two.status_code == 200, two.text
    other_order = await desk.produced("CUST-0001", crates(1))
    other = await desk.request(other_order)
    assert (await desk.decide(other, "sign")).status_code == 200
    assert (await desk.release(other, "sales_manager")).status_code == 200
    await desk.outbound_check(other, parcels=1)
    reused = await desk.hand_over(other, ["WB-T2"])
    assert reused.status_code == 409, reused.text


@pytest.mark.rule("P5.6", "P7.6", "P6.3")
async def test_an_order_shipped_and_paid_but_not_delivered_stays_open_until_the_signed_receipt(
    desk: Desk,
) -> None:
    order_id = await desk.produced("CUST-0001", crates())
    shipment_id = await desk.request(order_id)
    assert (await desk.decide(shipment_id, "sign")).status_code == 200
    assert (await desk.release(shipment_id, "sales_manager")).status_code == 200
    await desk.ship(shipment_id)
    invoice = (await desk.event(topics.INVOICE_ISSUED, order_id))["payload"]
    assert (invoice["shipment_id"], money(invoice["amount"])) == (shipment_id, Decimal("1000.00"))
    assert date.fromisoformat(invoice["due_date"]) == desk.today() + timedelta(days=30)

    await desk.pay(order_id, Decimal("1000.00"))
    await desk.event(topics.PAYMENT_RECEIVED, order_id, lambda e: e["payload"]["settled"])
    await quiet()
    assert desk.events(topics.ORDER_CLOSED, order_id) == []

    await desk.deliver(shipment_id)
    delivered = (await desk.event(topics.GOODS_DELIVERED, order_id))["payload"]
    assert delivered["order_delivered"] is True
    closed = await desk.event(topics.ORDER_CLOSED, order_id)
    assert closed["payload"]["outcome"] == "fulfilled"


@pytest.mark.rule("P6.2")
async def test_partial_payments_add_up_and_an_overpayment_leaves_a_credit(desk: Desk) -> None:
    partly = await desk.place(crates(), desk.today() + timedelta(days=60))
    await desk.pay(partly, Decimal("300.00"))
    first = await desk.event(topics.PAYMENT_RECEIVED, partly)
    assert first["payload"]["settled"] is False
    await desk.pay(partly, Decimal("700.00"))
    second = await desk.event(
        topics.PAYMENT_RECEIVED, partly, lambda e: money(e["payload"]["paid_total"]) == 1000
    )
    assert (second["payload"]["settled"], money(second["payload"]["balance_due"])) == (
        True,
        Decimal("0"),
    )

    over = await desk.place(crates(), desk.today() + timedelta(days=60))
    await desk.pay(over, Decimal("1200.00"))
    paid = (await desk.event(topics.PAYMENT_RECEIVED, over))["payload"]
    assert (paid["settled"], money(paid["credit"])) == (True, Decimal("200.00"))
    credit = (await desk.event(topics.CREDIT_CHANGED, over))["payload"]
    assert (credit["change"], money(credit["amount"])) == ("arisen", Decimal("200.00"))


@pytest.mark.rule("P6.2")
async def test_a_payment_before_its_order_is_matched_once_the_order_is_placed(desk: Desk) -> None:
    last = await desk.place(crates(1), desk.today() + timedelta(days=60))
    year, number = last.rsplit("-", 1)
    coming = f"{year}-{int(number) + 1:06d}"
    early = await desk.pay(coming.lower() + "  ", Decimal("1000.00"))
    unmatched = await desk.event(
        topics.PAYMENT_UNMATCHED, "", lambda e: e["payload"]["bank_transaction_id"] == early
    )
    assert coming in unmatched["payload"]["reason"]

    placed = await desk.place(crates(), desk.today() + timedelta(days=60))

    assert placed == coming
    matched = (await desk.event(topics.PAYMENT_RECEIVED, placed))["payload"]
    assert (matched["bank_transaction_id"], matched["settled"]) == (early, True)


@pytest.mark.rule("P6.2")
async def test_an_unmatched_payment_assigned_by_a_finance_clerk_settles_its_order(
    desk: Desk,
) -> None:
    order_id = await desk.place(crates(), desk.today() + timedelta(days=60))
    await desk.account(order_id)
    transaction = await desk.pay("Invoice 4711, thank you", Decimal("1000.00"))
    await desk.event(
        topics.PAYMENT_UNMATCHED,
        "",
        lambda e: e["payload"]["bank_transaction_id"] == transaction,
    )

    by_rep = await desk.post(
        "sales_rep",
        f"/unmatched-payments/{transaction}/assignment",
        {"order_id": order_id},
        service="finance",
    )
    assert by_rep.status_code == 403, by_rep.text
    await desk.call(
        "finance_clerk",
        "finance",
        f"/unmatched-payments/{transaction}/assignment",
        {"order_id": order_id},
    )

    paid = (await desk.event(topics.PAYMENT_RECEIVED, order_id))["payload"]
    assert (paid["bank_transaction_id"], paid["settled"]) == (transaction, True)
    again = await desk.post(
        "finance_clerk",
        f"/unmatched-payments/{transaction}/assignment",
        {"order_id": order_id},
        service="finance",
    )
    assert again.status_code == 409, again.text


@pytest.mark.rule("P6.1", "P6.2")
async def test_one_bank_message_twice_is_one_payment_and_another_currency_is_held_not_counted(
    desk: Desk,
) -> None:
    order_id = await desk.place(crates(), desk.today() + timedelta(days=60))
    await desk.account(order_id)
    transaction = f"TWICE-{order_id}"
    await desk.pay(order_id, Decimal("400.00"), transaction)
    await desk.pay(order_id, Decimal("400.00"), transaction)
    dollars = await desk.pay(order_id, Decimal("500.00"), currency="USD")

    held = await desk.event(
        topics.PAYMENT_UNMATCHED, "", lambda e: e["payload"]["bank_transaction_id"] == dollars
    )
    assert "USD" in held["payload"]["reason"]
    await quiet()
    payments = desk.events(topics.PAYMENT_RECEIVED, order_id)
    assert [money(event["payload"]["amount"]) for event in payments] == [Decimal("400.00")]
    assert money((await desk.account(order_id))["paid_total"]) == Decimal("400.00")
    wrong = await desk.post(
        "finance_clerk",
        f"/unmatched-payments/{dollars}/assignment",
        {"order_id": order_id},
        service="finance",
    )
    assert wrong.status_code == 409, wrong.text


# -- the scenarios that move the clock: last --------------------------------------------------


@pytest.mark.rule("P5.3")
async def test_an_emergency_release_whose_signatures_are_missing_a_working_day_later_is_escalated(
    desk: Desk,
) -> None:
    b_tier = await desk.produced("CUST-0011", crates(2))
    unpaid = await desk.request(b_tier)
    await desk.check(unpaid)
    by_lead = await desk.post(
        "customer_service_lead",
        f"/shipments/{unpaid}/emergency-release",
        {"reason": "customer's line is down"},
        service="logistics",
    )
    assert by_lead.status_code == 403, by_lead.text

    order_id = await desk.produced("CUST-0001", crates(2))
    shipment_id = await desk.request(order_id)
    await desk.call(
        "customer_service_lead",
        "logistics",
        f"/shipments/{shipment_id}/emergency-release",
        {"reason": "customer's line is down"},
    )
    release = (await desk.event(topics.SHIPMENT_RELEASED, order_id))["payload"]
    assert (release["kind"], release["released"]["role"]) == ("emergency", "customer_service_lead")
    await desk.ship(shipment_id)
    assert (await desk.event(topics.GOODS_SHIPPED, order_id))["payload"]["emergency"] is True

    await desk.advance_hours(20)  # less than a working day, whatever today is
    await quiet()
    assert desk.events(topics.SHIPMENT_ESCALATED, order_id) == []
    await desk.advance_hours(3 * 24 + 1 - 20)  # at least one working day after the release
    escalated = (await desk.event(topics.SHIPMENT_ESCALATED, order_id))["payload"]
    assert set(escalated["missing"]) == {"finance", "release"}
    assert escalated["escalated_to"] == "general_manager"
    await quiet()
    assert len(desk.events(topics.SHIPMENT_ESCALATED, order_id)) == 1


@pytest.mark.rule("P6.3", "P8.1")
async def test_an_overdue_invoice_walks_through_each_collection_step_on_the_services_clock(
    desk: Desk,
) -> None:
    order_id = await desk.produced("CUST-0003", crates())
    shipment_id = await desk.request(order_id)
    assert (await desk.decide(shipment_id, "sign")).status_code == 200
    assert (await desk.release(shipment_id, "sales_manager")).status_code == 200
    await desk.ship(shipment_id)
    invoice = (await desk.event(topics.INVOICE_ISSUED, order_id))["payload"]
    number, due = invoice["invoice_number"], date.fromisoformat(invoice["due_date"])

    def steps() -> list[str]:
        return [
            event["payload"]["step"] for event in desk.events(topics.COLLECTION_STEPPED, order_id)
        ]

    async def reach(step: str, days_overdue: int) -> dict[str, object]:
        await desk.advance(max(((due + timedelta(days=days_overdue)) - desk.today()).days, 0))
        found = await desk.event(
            topics.COLLECTION_STEPPED,
            order_id,
            lambda e: e["payload"]["step"] == step and e["payload"]["recorded"] is None,
        )
        return dict(found["payload"])

    assert (await reach("reminder", 1))["escalated"] is False
    await desk.call(
        "customer_service", "finance", f"/collections/{number}/reminder", {"note": "mailed"}
    )
    await reach("follow_up", 8)
    promised = due + timedelta(days=20)
    await desk.call(
        "sales_rep",
        "finance",
        f"/collections/{number}/follow-up",
        {"promised_on": promised.isoformat(), "note": "pays after the audit"},
    )
    await desk.advance(((due + timedelta(days=16)) - desk.today()).days)
    await quiet()
    assert "sales_manager" not in steps()  # the promised day has not passed yet
    assert (await reach("sales_manager", 21))["escalated"] is True
    assert (await reach("general_manager", 30))["escalated"] is True
    assert steps().index("reminder") < steps().index("follow_up") < steps().index("sales_manager")

    new_order = await desk.place(crates(1), desk.today() + timedelta(days=60), "CUST-0003")
    await desk.found("review", f"/reviews/{new_order}", "sales_rep")
    await quiet()
    assert desk.events(topics.REVIEW_COMPLETED, new_order) == []  # no automatic approval
    await desk.approve(new_order, "sales_manager")
    await quiet()
    assert desk.events(topics.REVIEW_COMPLETED, new_order) == []  # the sales manager is not enough
    assert "escalated overdue balance" in str(
        await desk.read("review", f"/reviews/{new_order}", "sales_rep")
    )
    await desk.approve(new_order, "general_manager")
    await desk.event(topics.REVIEW_COMPLETED, new_order)

    await desk.pay(order_id, Decimal("1000.00"))
    cleared = await desk.event(
        topics.COLLECTION_STEPPED, order_id, lambda e: e["payload"]["step"] == "cleared"
    )
    assert cleared["payload"]["escalated"] is False
