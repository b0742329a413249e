"""Purchasing and incoming inspection: a requisition approved or rejected with a reason, the
buyer's purchase order on an approved one, supplier deliveries held apart until QA splits them
into accepted and rejected, deliveries without or over a purchase order waiting for purchasing,
and what goes back to the supplier (P4.3, P4.4)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.production.domain.purchasing import (
    Delivery,
    DeliveryStatus,
    PurchaseOrder,
    PurchaseOrderStatus,
    Requisition,
    RequisitionStatus,
    ReturnStatus,
    SupplierReturn,
    assign_delivery,
    book_delivery,
    book_inspection,
    decide_requisition,
    fits,
    inspect_delivery,
    place_purchase_order,
    record_delivery,
    send_delivery_back,
    send_return,
)
from shared.decisions import InvalidDecision, NotAllowedNow
from tests.unit.production.builders import (
    BUYER,
    CLERK,
    DEPUTY,
    INSPECTOR,
    TODAY,
    signed,
)

PROMISED = TODAY + timedelta(days=14)


def requisition(status: RequisitionStatus = RequisitionStatus.PENDING) -> Requisition:
    return Requisition(
        number="PR-000001",
        order_id="SO-2031-000001",
        material_code="STEEL-BAR",
        quantity=Decimal("34.5"),
        needed_by=date(2031, 9, 1),
        raised_at=TODAY,
        cause="shortfall",
        status=status,
    )


def approved() -> Requisition:
    return decide_requisition(requisition(), True, "", signed(DEPUTY))


def purchase_order(quantity: str = "40") -> PurchaseOrder:
    _req, order = place_purchase_order(
        approved(), "PO-000001", "Stahlwerk AG", Decimal(quantity), PROMISED, TODAY, signed(BUYER)
    )
    return order


def delivery(
    quantity: str = "40", order: PurchaseOrder | None = None, material: str = "STEEL-BAR"
) -> Delivery:
    return record_delivery(
        "GR-000001",
        order,
        material,
        "Stahlwerk AG",
        Decimal(quantity),
        "LS-4711",
        signed(CLERK),
    )


def waiting_for_inspection(quantity: str = "40") -> Delivery:
    return delivery(quantity, purchase_order())


# -- requisitions (P4.3) -----------------------------------------------------------------------


def test_an_approved_requisition_records_who_approved_it() -> None:
    """P4.3"""
    decided = approved()

    assert decided.status is RequisitionStatus.APPROVED
    assert decided.decided == signed(DEPUTY)


def test_a_rejected_requisition_keeps_its_reason() -> None:
    """P4.3"""
    decided = decide_requisition(requisition(), False, "stock is due back", signed(DEPUTY))

    assert decided.status is RequisitionStatus.REJECTED
    assert decided.reason == "stock is due back"


def test_a_requisition_is_not_rejected_without_a_reason() -> None:
    """P4.3"""
    with pytest.raises(InvalidDecision, match="reason"):
        decide_requisition(requisition(), False, "   ", signed(DEPUTY))


def test_only_a_pending_requisition_can_be_decided() -> None:
    """P4.3"""
    for status in (
        RequisitionStatus.APPROVED,
        RequisitionStatus.REJECTED,
        RequisitionStatus.ORDERED,
    ):
        with pytest.raises(NotAllowedNow, match=status.value):
            decide_requisition(requisition(status), True, "", signed(DEPUTY))


# -- purchase orders (P4.3) --------------------------------------------------------------------


def test_the_buyer_orders_an_approved_requisition_from_a_supplier_by_a_promised_date() -> None:
    """P4.3"""
    ordered, order = place_purchase_order(
        approved(), "PO-000001", "Stahlwerk AG", Decimal(40), PROMISED, TODAY, signed(BUYER)
    )

    assert ordered.status is RequisitionStatus.ORDERED
    assert ordered.purchase_order == "PO-000001"
    assert order == PurchaseOrder(
        "PO-000001",
        "PR-000001",
        "SO-2031-000001",
        "STEEL-BAR",
        "Stahlwerk AG",
        Decimal(40),
        PROMISED,
        signed(BUYER),
    )
    assert order.status is PurchaseOrderStatus.OPEN
    assert order.open_quantity == Decimal(40)


def test_a_requisition_not_approved_cannot_be_ordered() -> None:
    """P4.3"""
    for status in (
        RequisitionStatus.PENDING,
        RequisitionStatus.REJECTED,
        RequisitionStatus.ORDERED,
    ):
        with pytest.raises(NotAllowedNow, match="not approved"):
            place_purchase_order(
                requisition(status), "PO-1", "S", Decimal(40), PROMISED, TODAY, signed(BUYER)
            )


def test_the_buyer_orders_at_least_the_requisitions_quantity() -> None:
    """P4.3"""
    with pytest.raises(InvalidDecision, match="at least"):
        place_purchase_order(
            approved(), "PO-1", "S", Decimal("34.4"), PROMISED, TODAY, signed(BUYER)
        )
    _req, exact = place_purchase_order(
        approved(), "PO-1", "S", Decimal("34.5"), PROMISED, TODAY, signed(BUYER)
    )
    assert exact.quantity == Decimal("34.5")


def test_the_promised_date_may_be_today_but_not_in_the_past() -> None:
    """P4.3"""
    with pytest.raises(InvalidDecision, match="past"):
        place_purchase_order(
            approved(), "PO-1", "S", Decimal(40), TODAY - timedelta(days=1), TODAY, signed(BUYER)
        )
    _req, order = place_purchase_order(
        approved(), "PO-1", "S", Decimal(40), TODAY, TODAY, signed(BUYER)
    )
    assert order.promised_on == TODAY


# -- supplier deliveries (P4.4) ----------------------------------------------------------------


def test_a_delivery_against_its_purchase_order_waits_for_inspection_not_stock() -> None:
    """P4.4"""
    recorded = waiting_for_inspection()

    assert recorded.status is DeliveryStatus.AWAITING_INSPECTION
    assert recorded.purchase_order == "PO-000001"
    assert recorded.waiting_because == ""
    assert recorded.accepted == 0


def test_a_delivery_without_a_purchase_order_waits_for_purchasing() -> None:
    """P4.4"""
    recorded = delivery(order=None)

    assert recorded.status is DeliveryStatus.AWAITING_PURCHASING
    assert recorded.purchase_order is None
    assert recorded.waiting_because == "no purchase order"


def test_a_delivery_over_what_the_purchase_order_still_expects_waits_for_purchasing() -> None:
    """P4.4"""
    order = book_delivery(purchase_order("40"), delivery("30", purchase_order("40")))

    recorded = delivery("11", order)

    assert recorded.status is DeliveryStatus.AWAITING_PURCHASING
    assert recorded.purchase_order is None
    assert "it expects 10 more" in recorded.waiting_because
    assert delivery("10", order).status is DeliveryStatus.AWAITING_INSPECTION


def test_a_delivery_of_another_material_or_against_a_closed_order_waits_for_purchasing() -> None:
    """P4.4"""
    closed = replace(purchase_order(), status=PurchaseOrderStatus.CLOSED)

    assert "is for STEEL-BAR" in fits(purchase_order(), "STEEL-CAST", Decimal(1))
    assert "closed" in fits(closed, "STEEL-BAR", Decimal(1))
    assert delivery("1", closed).status is DeliveryStatus.AWAITING_PURCHASING


def test_a_delivery_put_against_its_purchase_order_counts_as_delivered() -> None:
    """P4.4"""
    order = book_delivery(purchase_order("40"), waiting_for_inspection("25"))

    assert order.delivered == Decimal(25)
    assert order.open_quantity == Decimal(15)
    assert order.status is PurchaseOrderStatus.OPEN


def test_purchasing_assigns_a_waiting_delivery_to_a_purchase_order() -> None:
    """P4.4"""
    assigned = assign_delivery(delivery(order=None), purchase_order(), signed(BUYER))

    assert assigned.status is DeliveryStatus.AWAITING_INSPECTION
    assert assigned.purchase_order == "PO-000001"
    assert assigned.waiting_because == ""
    assert assigned.resolved == signed(BUYER)


def test_a_delivery_is_assigned_only_to_a_purchase_order_it_fits() -> None:
    """P4.4"""
    with pytest.raises(NotAllowedNow, match="over purchase order"):
        assign_delivery(delivery("41", order=None), purchase_order("40"), signed(BUYER))


def test_only_a_delivery_waiting_for_purchasing_is_assigned_or_sent_back() -> None:
    """P4.4"""
    with pytest.raises(NotAllowedNow, match="does not wait for purchasing"):
        assign_delivery(waiting_for_inspection(), purchase_order(), signed(BUYER))
    with pytest.raises(NotAllowedNow, match="does not wait for purchasing"):
        send_delivery_back(waiting_for_inspection(), "not ours", signed(BUYER))


def test_purchasing_sends_a_waiting_delivery_back_with_a_reason() -> None:
    """P4.4"""
    with pytest.raises(InvalidDecision, match="reason"):
        send_delivery_back(delivery(order=None), "", signed(BUYER))

    returned = send_delivery_back(delivery(order=None), "never ordered", signed(BUYER))

    assert returned.status is DeliveryStatus.RETURNED
    assert returned.note == "never ordered"


# -- incoming inspection (P4.4) ----------------------------------------------------------------


def test_qa_splits_a_delivery_into_accepted_and_rejected_material() -> None:
    """P4.4"""
    done = inspect_delivery(
        waiting_for_inspection("40"), Decimal(35), Decimal(5), "cracked bars", signed(INSPECTOR)
    )

    assert done.status is DeliveryStatus.INSPECTED
    assert (done.accepted, done.rejected) == (Decimal(35), Decimal(5))
    assert done.inspected == signed(INSPECTOR)


def test_accepted_and_rejected_must_add_up_to_the_delivery() -> None:
    """P4.4"""
    for accepted, rejected in (("35", "4"), ("40", "1"), ("41", "-1"), ("0", "0")):
        with pytest.raises(InvalidDecision, match="add up to 40"):
            inspect_delivery(
                waiting_for_inspection("40"),
                Decimal(accepted),
                Decimal(rejected),
                "cracked",
                signed(INSPECTOR),
            )


def test_rejected_material_needs_a_note() -> None:
    """P4.4"""
    with pytest.raises(InvalidDecision, match="note"):
        inspect_delivery(
            waiting_for_inspection("40"), Decimal(35), Decimal(5), " ", signed(INSPECTOR)
        )


def test_only_a_delivery_waiting_for_inspection_is_inspected() -> None:
    """P4.4"""
    with pytest.raises(NotAllowedNow, match="awaiting_purchasing"):
        inspect_delivery(delivery(order=None), Decimal(40), Decimal(0), "", signed(INSPECTOR))
    done = inspect_delivery(
        waiting_for_inspection(), Decimal(40), Decimal(0), "", signed(INSPECTOR)
    )
    with pytest.raises(NotAllowedNow, match="inspected"):
        inspect_delivery(done, Decimal(40), Decimal(0), "", signed(INSPECTOR))


def test_a_purchase_order_closes_when_accepted_and_rejected_reach_its_quantity() -> None:
    """P4.4"""
    order = purchase_order("40")
    first = inspect_delivery(delivery("25", order), Decimal(25), Decimal(0), "", signed(INSPECTOR))
    second = inspect_delivery(
        delivery("15", order), Decimal(10), Decimal(5), "cracked", signed(INSPECTOR)
    )

    partly = book_inspection(order, first)
    whole = book_inspection(partly, second)

    assert partly.status is PurchaseOrderStatus.OPEN
    assert (whole.accepted, whole.rejected) == (Decimal(35), Decimal(5))
    assert whole.status is PurchaseOrderStatus.CLOSED


def test_the_buyer_sends_rejected_material_back_once() -> None:
    """P4.4"""
    back = SupplierReturn(
        "SR-000001", "GR-000001", "PO-000001", "STEEL-BAR", "Stahlwerk AG", Decimal(5), "cracked"
    )

    sent = send_return(back, signed(BUYER))

    assert sent.status is ReturnStatus.SENT
    assert sent.sent == signed(BUYER)
    with pytest.raises(NotAllowedNow, match="already sent"):
        send_return(sent, signed(BUYER))
