"""Changes, cancellations and returns (P7) end to end: five service processes on PostgreSQL and
the real broker (docs/changes-and-returns.md, "Acceptance scenarios"). Review stands in by its
automatic policy for A-tier orders; production, logistics and finance wait for their people,
who act through the HTTP APIs. Each scenario has a product and a material of its own, so stock
does not leak between them.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.production import QUIET, Part, amount, running_plant
from tests.support.shipping import CLOCK_ROUNDS, Desk, money
from tests.support.system import AUTOMATIC_REVIEW

pytestmark = pytest.mark.e2e

BOLT = Part("BOLT-C1", "STEEL-C1", on_hand="1000", price="50.00")
"""Scenario 1: twenty bolts cost 1,000.00, one kilogram of steel each."""
DRUM = Part("DRUM-C4", "SHEET-C4", on_hand="1000", price="100.00")
"""Scenario 4."""
VALVE = Part("VALVE-C5", "BRASS-C5", on_hand="1000", price="80.00")
"""Scenario 5: ten valves cost 800.00."""
GEAR = Part("GEAR-C2", "IRON-C2", on_hand="1000", price="50.00")
"""Scenario 2: twenty gears cost 1,000.00 (a deposit of 300.00), thirty 1,500.00 (450.00)."""
PUMP = Part("PUMP-C6", "CAST-C6", on_hand="1000", price="200.00")
"""Scenario 5 with a replacement: six pumps; QA accepts two of the three returned."""
CASING = Part("CASING-C3", "ALLOY-C3", on_hand="4", lead_time_days=7, price="100.00")
"""Scenario 3: ten casings (1,000.00, a deposit of 300.00) need six kilograms more alloy."""
B_TIER = "CUST-0011"


@pytest.fixture(scope="module")
async def company(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    async with running_plant(
        kafka,
        postgres_server,
        tmp_path_factory.mktemp("changes"),
        [BOLT, GEAR, DRUM, VALVE, PUMP, CASING],
        settings={**AUTOMATIC_REVIEW, **CLOCK_ROUNDS},
    ) as plant:
        yield Desk(plant.running, plant.watcher, plant.apis)


def order_path(order_id: str, tail: str = "") -> str:
    return f"/production-orders/{order_id}{tail}"


async def made(company: Desk, order_id: str, product_code: str, quantity: int) -> dict[str, Any]:
    """The production manager starts the order, QA passes every patrol and the final
    inspection of `quantity`, the warehouse receives them: goods.produced."""
    view = await company.ok("production_manager", order_path(order_id, "/start"))
    for operation in view["operations"]:
        await company.ok(
            "qa_inspector",
            order_path(order_id, f"/operations/{operation['number']}/inspection"),
            {"result": "pass"},
        )
    requests = order_path(order_id, "/inspection-requests")
    view = await company.ok(
        "production_manager", requests, {"product_code": product_code, "quantity": quantity}
    )
    number = view["inspection_requests"][-1]["number"]
    await company.ok(
        "qa_inspector", f"{requests}/{number}/result", {"passed": quantity, "failed": 0}
    )
    await company.ok(
        "warehouse_clerk",
        order_path(order_id, "/receipts"),
        {"product_code": product_code, "quantity": quantity},
    )
    return dict((await company.event(topics.GOODS_PRODUCED, order_id))["payload"])


async def released_for_shipping(company: Desk, order_id: str) -> str:
    """Customer service asks for the shipment, finance signs its check, the sales manager
    releases it: the shipment's number."""
    shipment_id = await company.request(order_id)
    signed = await company.decide(shipment_id, "sign")
    assert signed.status_code == 200, signed.text
    released = await company.release(shipment_id, "sales_manager")
    assert released.status_code == 200, released.text
    return shipment_id


async def ask_change(company: Desk, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await company.post("sales_rep", f"/orders/{order_id}/changes", body, service="sales")
    assert response.status_code == 201, response.text
    return dict(response.json())


async def told(company: Desk, order_id: str, kind: str) -> dict[str, Any]:
    """The customer's notice of that kind about the order."""
    event = await company.event(
        topics.CUSTOMER_NOTIFIED, order_id, lambda e: e["payload"]["kind"] == kind
    )
    return dict(event["payload"])


async def charged(company: Desk, order_id: str, change_no: int, amount: str, reason: str) -> None:
    """The change waits for the charge; the sales rep may not decide it (403, and no decision
    follows); the sales manager does."""
    await company.wait_until(
        lambda: _status(company, order_id, change_no, "awaiting_charge"),
        "the change waiting for its charge",
    )
    charge = f"/orders/{order_id}/changes/{change_no}/charge"
    body = {"amount": amount, "reason": reason}
    by_rep = await company.post("sales_rep", charge, body, service="sales")
    assert by_rep.status_code == 403, by_rep.text
    await asyncio.sleep(QUIET)
    decisions = company.events(topics.CHANGE_DECIDED, order_id)
    assert [e for e in decisions if e["payload"]["change_no"] == change_no] == []
    await company.call("sales_manager", "sales", charge, body)


async def decided(company: Desk, order_id: str, change_no: int) -> dict[str, Any]:
    event = await company.event(
        topics.CHANGE_DECIDED, order_id, lambda e: e["payload"]["change_no"] == change_no
    )
    return dict(event["payload"])


@pytest.mark.rule("P7.1", "P7.2")
async def test_p7_1_p7_2_twenty_down_to_fifteen_after_release_needs_no_review_frees_five_units_of_material_and_is_invoiced_for_fifteen(  # noqa: E501
    company: Desk,
) -> None:
    order_id = await company.place(BOLT.lines(20), company.today() + timedelta(days=60))
    await company.released(order_id)
    assert amount((await company.material("STEEL-C1"))["reserved"]) == 20

    change = await ask_change(
        company,
        order_id,
        {"lines": [{"line_no": 1, "quantity": 15}], "reason": "the customer needs 15 only"},
    )

    decision = await decided(company, order_id, change["change_no"])
    assert (decision["outcome"], decision["stage"], decision["kinds"]) == (
        "applied",
        "after_confirmation",
        ["decrease"],
    )
    assert decision["lines"][0]["quantity"] == 15
    requested = (await company.event(topics.CHANGE_REQUESTED, order_id))["payload"]
    assert requested["needs_review"] is False
    answers = {
        event["payload"]["department"]: event["payload"]
        for event in company.events(topics.CHANGE_ACKNOWLEDGED, order_id)
    }
    assert answers["production"]["started"] is False
    assert answers["production"]["units_finished"] == []
    assert answers["review"]["review"] == "not_needed"
    await company.wait_until(
        lambda: _reserved(company, "STEEL-C1", 15), "production frees the reservation of 5"
    )
    plan = await company.order(order_id)
    assert [amount(line["reserved"]) for line in plan["materials"]] == [15]
    assert len(company.events(topics.FEASIBILITY_REQUESTED, order_id)) == 1
    assert len(company.events(topics.REVIEW_COMPLETED, order_id)) == 1

    produced = await made(company, order_id, BOLT.product_code, 15)
    assert produced["lines"] == [{"product_code": BOLT.product_code, "quantity": 15}]
    shipment_id = await released_for_shipping(company, order_id)
    await company.ship(shipment_id)
    invoice = (await company.event(topics.INVOICE_ISSUED, order_id))["payload"]
    assert money(invoice["amount"]) == Decimal("750.00")  # 15 x 50.00
    applied = await told(company, order_id, "change_applied")
    assert (applied["change_number"], money(applied["amount"]), money(applied["charge"])) == (
        change["change_number"],
        Decimal("750.00"),
        Decimal("0"),
    )
    assert (await told(company, order_id, "change_received"))["change_number"] == (
        change["change_number"]
    )


async def _reserved(company: Desk, material: str, quantity: int) -> bool:
    return bool(amount((await company.material(material))["reserved"]) == quantity)


async def signed_and_paid(company: Desk, order_id: str, version: int, deposit: str) -> None:
    """The customer signs confirmation `version` and the bank reports what is still due of
    its deposit."""
    await company.call(
        "sales_rep",
        "sales",
        f"/orders/{order_id}/signed-confirmation",
        {"received_on": company.today().isoformat(), "version": version},
    )
    await company.pay(order_id, Decimal(deposit), f"DEP-{order_id}-{version}")


@pytest.mark.rule("P7.3", "P3.3", "P2.3")
async def test_p7_3_twenty_up_to_thirty_for_a_b_tier_customer_is_reviewed_again_and_the_extra_ten_are_released_only_once_the_amended_confirmation_is_signed(  # noqa: E501
    company: Desk,
) -> None:
    order_id = await company.place(GEAR.lines(20), company.today() + timedelta(days=60), B_TIER)
    await company.approve(order_id, "sales_manager")
    first = (await company.event(topics.CONFIRMATION_ISSUED, order_id))["payload"]
    assert money(first["deposit_amount"]) == Decimal("300.00")
    await signed_and_paid(company, order_id, 1, "300.00")
    await company.released(order_id)
    started = await company.ok("production_manager", order_path(order_id, "/start"))
    assert started["status"] == "in_production"

    change = await ask_change(
        company,
        order_id,
        {"lines": [{"line_no": 1, "quantity": 30}], "reason": "the customer needs 10 more"},
    )

    assert change["status"] == "in_review"
    requested = (await company.event(topics.CHANGE_REQUESTED, order_id))["payload"]
    assert (requested["kinds"], requested["needs_review"]) == (["increase"], True)
    reopened = await company.event(
        topics.CHANGE_ACKNOWLEDGED, order_id, lambda e: e["payload"]["department"] == "review"
    )
    assert reopened["payload"]["review"] == "reopened"
    asked = await company.event(
        topics.FEASIBILITY_REQUESTED, order_id, lambda e: e["payload"]["version"] == 2
    )
    assert asked["payload"]["lines"][0]["quantity"] == 30
    by_rep = await company.post(
        "sales_rep",
        f"/reviews/{order_id}/approvals",
        {"decision": "approve", "note": "", "contract_stamped": True},
        service="review",
    )
    assert by_rep.status_code == 403, by_rep.text
    await company.approve(order_id, "sales_manager")  # the new round, on the new total
    verdict = await company.event(
        topics.REVIEW_COMPLETED, order_id, lambda e: e["payload"]["version"] == 2
    )
    assert verdict["payload"]["outcome"] == "approved"
    assert [s["role"] for s in verdict["payload"]["approved_by"]] == ["sales_manager"]
    amended = (
        await company.event(
            topics.CONFIRMATION_ISSUED, order_id, lambda e: e["payload"]["version"] == 2
        )
    )["payload"]
    assert (money(amended["total_amount"]), money(amended["deposit_amount"])) == (
        Decimal("1500.00"),
        Decimal("450.00"),
    )
    assert (await decided(company, order_id, change["change_no"]))["outcome"] == "applied"
    notice = await told(company, order_id, "amended_confirmation")
    assert notice["change_number"] == change["change_number"]
    asked_more = await company.event(
        topics.DEPOSIT_REQUESTED,
        order_id,
        lambda e: money(e["payload"]["amount"]) == Decimal("150.00"),
    )
    assert asked_more["payload"]["currency"] == "EUR"

    for operation in started["operations"]:  # the first twenty never stop
        await company.ok(
            "qa_inspector",
            order_path(order_id, f"/operations/{operation['number']}/inspection"),
            {"result": "pass"},
        )
    await asyncio.sleep(QUIET)
    releases = company.events(topics.ORDER_RELEASED, order_id)
    assert [e["payload"]["version"] for e in releases] == [1]
    plan = await company.order(order_id)
    assert (plan["status"], plan["lines"][0]["quantity"]) == ("in_production", 20)

    await signed_and_paid(company, order_id, 2, "150.00")

    again = await company.event(
        topics.ORDER_RELEASED, order_id, lambda e: e["payload"]["version"] == 2
    )
    assert again["payload"]["lines"] == [{"product_code": GEAR.product_code, "quantity": 30}]
    await company.wait_until(
        lambda: _quantity(company, order_id, 30), "production takes the extra ten"
    )
    requests = order_path(order_id, "/inspection-requests")
    view = await company.ok(
        "production_manager", requests, {"product_code": GEAR.product_code, "quantity": 30}
    )
    number = view["inspection_requests"][-1]["number"]
    await company.ok("qa_inspector", f"{requests}/{number}/result", {"passed": 30, "failed": 0})
    await company.ok(
        "warehouse_clerk",
        order_path(order_id, "/receipts"),
        {"product_code": GEAR.product_code, "quantity": 30},
    )
    produced = (await company.event(topics.GOODS_PRODUCED, order_id))["payload"]
    assert produced["lines"] == [{"product_code": GEAR.product_code, "quantity": 30}]
    await company.pay(order_id, Decimal("1050.00"))  # B pays before shipment (P5.2)
    await company.event(
        topics.PAYMENT_RECEIVED, order_id, lambda e: e["payload"]["settled"] is True
    )
    shipment_id = await released_for_shipping(company, order_id)
    await company.ship(shipment_id)
    invoice = (await company.event(topics.INVOICE_ISSUED, order_id))["payload"]
    assert money(invoice["amount"]) == Decimal("1500.00")


async def _quantity(company: Desk, order_id: str, units: int) -> bool:
    plan = await company.order(order_id)
    return bool(plan["lines"] and plan["lines"][0]["quantity"] == units)


@pytest.mark.rule("P7.1", "P7.2", "P6.2")
async def test_p7_1_p7_2_a_cancellation_after_material_was_bought_reports_the_costs_keeps_the_charge_from_the_deposit_and_refunds_the_rest(  # noqa: E501
    company: Desk,
) -> None:
    order_id = await company.place(CASING.lines(10), company.today() + timedelta(days=60), B_TIER)
    await company.approve(order_id, "sales_manager")
    issued = (await company.event(topics.CONFIRMATION_ISSUED, order_id))["payload"]
    assert money(issued["deposit_amount"]) == Decimal("300.00")
    await company.call(
        "sales_rep",
        "sales",
        f"/orders/{order_id}/signed-confirmation",
        {"received_on": issued["sent_on"]},
    )
    await company.pay(order_id, Decimal("300.00"), f"DEP-{order_id}")
    await company.released(order_id)
    (requisition,) = await company.wait_until(
        lambda: company.requisitions(order_id), "the requisition for the shortfall"
    )
    await company.ok(
        "deputy_general_manager",
        f"/requisitions/{requisition['number']}/decision",
        {"decision": "approve"},
    )
    purchase = await company.ok(
        "buyer",
        f"/requisitions/{requisition['number']}/purchase-order",
        {
            "supplier": CASING.supplier,
            "quantity": "6",
            "promised_on": (company.today() + timedelta(days=5)).isoformat(),
        },
    )

    change = await ask_change(
        company, order_id, {"cancel": True, "reason": "the customer's project was stopped"}
    )

    costs = (
        await company.event(
            topics.CHANGE_ACKNOWLEDGED,
            order_id,
            lambda e: e["payload"]["department"] == "production",
        )
    )["payload"]
    assert [(m["purchase_order"], amount(m["ordered"])) for m in costs["materials_on_order"]] == [
        (purchase["number"], 6)
    ]
    await charged(company, order_id, change["change_no"], "100.00", "alloy ordered")

    decision = await decided(company, order_id, change["change_no"])
    assert (decision["outcome"], money(decision["charge"])) == ("applied", Decimal("100.00"))
    assert decision["decided"]["role"] == "sales_manager"
    closed = await company.event(topics.ORDER_CLOSED, order_id)
    assert closed["payload"]["outcome"] == "cancelled"
    arisen = (
        await company.event(
            topics.CREDIT_CHANGED, order_id, lambda e: e["payload"]["change"] == "arisen"
        )
    )["payload"]
    assert money(arisen["amount"]) == Decimal("200.00")  # the deposit less the charge
    await company.wait_until(
        lambda: _cancellation_asked(company, order_id), "the buyer asked to cancel the purchase"
    )
    await company.wait_until(
        lambda: _reserved(company, "ALLOY-C3", 0), "the reservation back in free stock"
    )
    answered = await company.ok(
        "buyer",
        f"/purchase-orders/{purchase['number']}/cancellation",
        {"outcome": "cancelled", "reason": "the supplier agreed"},
    )
    assert (answered["status"], answered["cancellation"]["signed"]["role"]) == (
        "cancelled",
        "buyer",
    )

    await company.call(
        "finance_manager",
        "finance",
        f"/orders/{order_id}/credit/refund",
        {"amount": None, "reason": "cancelled: deposit less the charge"},
    )
    refunded = (
        await company.event(
            topics.CREDIT_CHANGED, order_id, lambda e: e["payload"]["change"] == "refunded"
        )
    )["payload"]
    assert (money(refunded["amount"]), money(refunded["available"])) == (
        Decimal("200.00"),
        Decimal("0"),
    )
    assert money((await told(company, order_id, "refund"))["amount"]) == Decimal("200.00")
    account = await company.account(order_id)
    assert (money(account["charged"]), money(account["credit"])) == (
        Decimal("100.00"),
        Decimal("0"),
    )


async def _cancellation_asked(company: Desk, order_id: str) -> bool:
    purchases = await company.get("/purchase-orders", order_id=order_id)
    return bool(purchases) and all(p["cancellation_asked"] for p in purchases)


async def returned(
    company: Desk,
    order_id: str,
    shipment_id: str,
    part: Part,
    remedy: str,
    *,
    accepted: int,
    rejected: int,
    rep_tries: bool = False,
) -> str:
    """Customer service asks to return `accepted + rejected` units of the shipment, the sales
    manager authorises it (the sales rep may not: 403, when `rep_tries`), the order clerk
    receives them and QA inspects them: the return's number."""
    units = [{"product_code": part.product_code, "quantity": accepted + rejected}]
    requested = await company.post(
        "customer_service",
        f"/orders/{order_id}/returns",
        {"shipment_id": shipment_id, "lines": units, "reason": "faulty", "remedy": remedy},
        service="logistics",
    )
    assert requested.status_code == 201, requested.text
    number: str = requested.json()["return_number"]
    steps = f"/customer-returns/{number}"
    authorise = {"decision": "authorise"}
    if rep_tries:
        by_rep = await company.post(
            "sales_rep", f"{steps}/authorisation", authorise, service="logistics"
        )
        assert by_rep.status_code == 403, by_rep.text
    await company.call("sales_manager", "logistics", f"{steps}/authorisation", authorise)
    await company.call("order_clerk", "logistics", f"{steps}/receipt", {"lines": units})
    verdict = {"product_code": part.product_code, "accepted": accepted, "rejected": rejected}
    await company.call("qa_inspector", "logistics", f"{steps}/inspection", {"lines": [verdict]})
    return number


@pytest.mark.rule("P7.5", "P6.3")
async def test_p7_5_a_return_authorised_received_inspected_and_credited_reduces_the_balance_by_its_credit_note(  # noqa: E501
    company: Desk,
) -> None:
    order_id = await company.place(VALVE.lines(10), company.today() + timedelta(days=60))
    await company.released(order_id)
    await made(company, order_id, VALVE.product_code, 10)
    shipment_id = await released_for_shipping(company, order_id)
    await company.ship(shipment_id)
    await company.deliver(shipment_id)
    await company.event(topics.GOODS_DELIVERED, order_id)
    invoice = (await company.event(topics.INVOICE_ISSUED, order_id))["payload"]
    assert money(invoice["amount"]) == Decimal("800.00")
    owed = money((await company.account(order_id))["balance_due"])
    assert owed == Decimal("800.00")

    number = await returned(
        company, order_id, shipment_id, VALVE, "credit", accepted=5, rejected=0, rep_tries=True
    )

    note = (await company.event(topics.CREDIT_NOTE_ISSUED, order_id))["payload"]
    assert (note["return_number"], money(note["amount"])) == (number, Decimal("400.00"))
    assert money(note["balance_due"]) == Decimal("400.00")
    assert (await told(company, order_id, "return_authorised"))["return_number"] == number
    assert (await told(company, order_id, "credit_note"))["credit_note_number"] == (
        note["credit_note_number"]
    )
    stepped = company.events(topics.RETURN_STEPPED, order_id)
    assert [(e["payload"]["step"], e["payload"]["signed"]["role"]) for e in stepped] == [
        ("requested", "customer_service"),
        ("authorised", "sales_manager"),
        ("received", "order_clerk"),
        ("inspected", "qa_inspector"),
    ]
    account = await company.wait_until(
        lambda: _account_owing(company, order_id, Decimal("400.00")), "the credited account"
    )
    assert [money(invoice["unpaid"]) for invoice in account["invoices"]] == [Decimal("400.00")]
    balances = [
        event["payload"]
        for event in company.events(topics.BALANCE_UPDATED)
        if event["order_id"] == order_id
    ]
    assert money(balances[-1]["open_balance"]) < money(balances[-2]["open_balance"])


@pytest.mark.rule("P7.5")
async def test_p7_5_a_return_to_be_replaced_becomes_an_order_of_the_accepted_units_at_no_charge_made_and_shipped_again(  # noqa: E501
    company: Desk,
) -> None:
    order_id = await company.place(PUMP.lines(6), company.today() + timedelta(days=60))
    await company.released(order_id)
    await made(company, order_id, PUMP.product_code, 6)
    shipment_id = await released_for_shipping(company, order_id)
    await company.ship(shipment_id)
    await company.deliver(shipment_id)
    number = await returned(
        company, order_id, shipment_id, PUMP, "replacement", accepted=2, rejected=1
    )

    replacement_id = (await company.order_numbers([number]))[number]
    placed = (await company.event(topics.ORDER_PLACED, replacement_id))["payload"]
    assert (placed["submitter"], money(placed["total_amount"])) == ("returns", Decimal("0"))
    assert [(line["quantity"], money(line["unit_price"])) for line in placed["lines"]] == [
        (2, Decimal("0"))
    ]
    assert placed["replacement_for"]["order_id"] == order_id
    assert placed["replacement_for"]["authorised"]["role"] == "sales_manager"
    verdict = (await company.event(topics.REVIEW_COMPLETED, replacement_id))["payload"]
    assert [s["role"] for s in verdict["approved_by"]] == ["sales_manager"]  # not the policy
    released = (await company.event(topics.ORDER_RELEASED, replacement_id))["payload"]
    assert released["gate"] == "replacement"
    await company.released(replacement_id)
    produced = await made(company, replacement_id, PUMP.product_code, 2)
    assert produced["lines"] == [{"product_code": PUMP.product_code, "quantity": 2}]
    again = await released_for_shipping(company, replacement_id)
    await company.ship(again)
    await company.deliver(again)
    closed = await company.event(topics.ORDER_CLOSED, replacement_id)
    assert closed["payload"]["outcome"] == "fulfilled"
    assert company.events(topics.INVOICE_ISSUED, replacement_id) == []
    assert company.events(topics.CREDIT_NOTE_ISSUED, order_id) == []


async def _account_owing(company: Desk, order_id: str, owed: Decimal) -> dict[str, Any] | None:
    account = await company.account(order_id)
    return account if money(account["balance_due"]) == owed else None


@pytest.mark.rule("P7.1", "P5.4", "P7.5")
async def test_p7_1_p5_4_a_change_after_the_outbound_check_holds_the_shipment_and_after_handover_is_refused_with_raise_a_return(  # noqa: E501
    company: Desk,
) -> None:
    order_id = await company.place(DRUM.lines(10), company.today() + timedelta(days=60))
    await company.released(order_id)
    await made(company, order_id, DRUM.product_code, 10)
    shipment_id = await released_for_shipping(company, order_id)
    await company.outbound_check(shipment_id, parcels=1)

    first = await ask_change(
        company, order_id, {"lines": [{"line_no": 1, "quantity": 8}], "reason": "two fewer"}
    )
    await company.event(
        topics.CHANGE_ACKNOWLEDGED,
        order_id,
        lambda e: (
            e["payload"]["department"] == "logistics" and e["payload"]["held"] == [shipment_id]
        ),
    )
    held = await company.hand_over(shipment_id, ["WB-C4-1"])
    assert held.status_code == 409, held.text
    assert (await company.shipment(shipment_id))["status"] != "handed_over"
    # ten drums are finished: what was spent is the sales manager's to charge for
    await charged(company, order_id, first["change_no"], "0.00", "kept in stock")
    assert (await decided(company, order_id, first["change_no"]))["outcome"] == "applied"
    await company.event(topics.SHIPMENT_CANCELLED, order_id)

    second_shipment = await released_for_shipping(company, order_id)
    assert [line["quantity"] for line in (await company.shipment(second_shipment))["lines"]] == [8]
    await company.outbound_check(second_shipment, parcels=1)
    handed = await company.hand_over(second_shipment, ["WB-C4-2"])
    assert handed.status_code == 200, handed.text

    second = await ask_change(
        company, order_id, {"lines": [{"line_no": 1, "quantity": 6}], "reason": "two fewer again"}
    )
    refusal = await decided(company, order_id, second["change_no"])
    assert (refusal["outcome"], refusal["refused_by"]) == ("refused", "logistics")
    assert "raise a return" in refusal["reason"]
    assert "raise a return" in (await told(company, order_id, "change_refused"))["reason"]
    dispatched = await company.dispatch(second_shipment)
    assert dispatched.status_code == 200, dispatched.text
    shipped = (await company.event(topics.GOODS_SHIPPED, order_id))["payload"]
    assert [line["quantity"] for line in shipped["lines"]] == [8]

    await company.deliver(second_shipment)
    await company.wait_until(
        lambda: _delivered(company, order_id), "sales hears the order was delivered"
    )
    late = await company.post(
        "sales_rep",
        f"/orders/{order_id}/changes",
        {"lines": [{"line_no": 1, "quantity": 4}], "reason": "too late"},
        service="sales",
    )
    assert late.status_code == 409, late.text
    assert "raise a return" in late.text
    assert len(company.events(topics.CHANGE_REQUESTED, order_id)) == 2


async def _delivered(company: Desk, order_id: str) -> bool:
    return bool((await company.read("sales", f"/orders/{order_id}", "sales_rep"))["delivered"])


async def _status(company: Desk, order_id: str, change_no: int, status: str) -> bool:
    view = await company.read("sales", f"/orders/{order_id}/changes/{change_no}", "sales_rep")
    return bool(view["status"] == status)
