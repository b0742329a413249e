"""Purchasing and incoming inspection (P4.3, P4.4): requisitions, purchase orders, supplier
deliveries and what goes back to the supplier.

A shortfall becomes a requisition; the deputy general manager approves it; the buyer places a
purchase order with a promised date. A delivery is not stock until QA inspects it; one without a
purchase order, or over what the order still expects, waits for purchasing.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.decisions import InvalidDecision, NotAllowedNow, Signature


class RequisitionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ORDERED = "ordered"
    CANCELLED = "cancelled"
    """The order it was for no longer needs it (P7.2)."""


@dataclass(frozen=True)
class Requisition:
    """A purchase requisition (物品采购单) for one order's shortfall of one material."""

    number: str
    order_id: str
    material_code: str
    quantity: Decimal
    needed_by: date
    raised_at: date
    cause: str
    """"shortfall" on release (or after a rush order took the reservation), "rejected delivery"
    after incoming inspection."""
    status: RequisitionStatus = RequisitionStatus.PENDING
    decided: Signature | None = None
    reason: str = ""
    purchase_order: str | None = None


def decide_requisition(
    requisition: Requisition, approve: bool, reason: str, signed: Signature
) -> Requisition:
    """Approve, or reject with a reason (P4.3)."""
    if requisition.status is not RequisitionStatus.PENDING:
        raise NotAllowedNow(f"requisition {requisition.number} is {requisition.status.value}")
    if not approve and not reason.strip():
        raise InvalidDecision("a rejected requisition needs a reason")
    status = RequisitionStatus.APPROVED if approve else RequisitionStatus.REJECTED
    return replace(requisition, status=status, decided=signed, reason=reason)


class PurchaseOrderStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    """What was still open with the supplier was cancelled (P7.2); what came before stays."""


@dataclass(frozen=True)
class CancellationAnswer:
    """The buyer's answer to a request to cancel a purchase order: what the supplier agreed."""

    cancelled: bool
    reason: str
    signed: Signature


@dataclass(frozen=True)
class PurchaseOrder:
    number: str
    requisition: str
    order_id: str
    material_code: str
    supplier: str
    quantity: Decimal
    promised_on: date
    placed: Signature
    delivered: Decimal = Decimal(0)
    """Recorded against it, inspected or not."""
    accepted: Decimal = Decimal(0)
    rejected: Decimal = Decimal(0)
    status: PurchaseOrderStatus = PurchaseOrderStatus.OPEN
    cancellation_asked: str = ""
    """Why the buyer is asked to cancel what is still open with the supplier (P7.2): the order
    it was for was decreased or cancelled; deliveries that still come are free stock."""
    cancellation: CancellationAnswer | None = None

    @property
    def open_quantity(self) -> Decimal:
        if self.status is PurchaseOrderStatus.CANCELLED:
            return Decimal(0)
        return max(self.quantity - self.delivered, Decimal(0))


def answer_cancellation(
    order: PurchaseOrder, cancelled: bool, reason: str, signed: Signature
) -> PurchaseOrder:
    """P7.2, P4.3: the buyer says whether the supplier cancelled what is still open on a
    purchase order production asked to cancel. Cancelled: nothing more is expected on it (a
    delivery that still comes waits for purchasing). Kept: what comes is stock for anyone."""
    if not order.cancellation_asked:
        raise NotAllowedNow(f"nobody asked to cancel purchase order {order.number}")
    if order.cancellation is not None:
        raise NotAllowedNow(f"purchase order {order.number} was answered already")
    if order.status is not PurchaseOrderStatus.OPEN or order.open_quantity == 0:
        raise NotAllowedNow(f"purchase order {order.number} has nothing open to cancel")
    if not reason.strip():
        raise InvalidDecision("say what the supplier answered")
    answer = CancellationAnswer(cancelled, reason.strip(), signed)
    status = PurchaseOrderStatus.CANCELLED if cancelled else order.status
    return replace(order, cancellation=answer, status=status)


def place_purchase_order(
    requisition: Requisition,
    number: str,
    supplier: str,
    quantity: Decimal,
    promised_on: date,
    today: date,
    signed: Signature,
) -> tuple[Requisition, PurchaseOrder]:
    """The buyer orders an approved requisition from a supplier, by a promised date (P4.3)."""
    if requisition.status is not RequisitionStatus.APPROVED:
        raise NotAllowedNow(
            f"requisition {requisition.number} is {requisition.status.value}, not approved"
        )
    if quantity <= 0 or quantity < requisition.quantity:
        raise InvalidDecision(
            f"the requisition asks for {requisition.quantity:f}; order at least that"
        )
    if promised_on < today:
        raise InvalidDecision("the promised date lies in the past")
    order = PurchaseOrder(
        number,
        requisition.number,
        requisition.order_id,
        requisition.material_code,
        supplier,
        quantity,
        promised_on,
        signed,
    )
    return replace(requisition, status=RequisitionStatus.ORDERED, purchase_order=number), order


class DeliveryStatus(StrEnum):
    AWAITING_PURCHASING = "awaiting_purchasing"
    AWAITING_INSPECTION = "awaiting_inspection"
    INSPECTED = "inspected"
    RETURNED = "returned"


@dataclass(frozen=True)
class Delivery:
    """Material a supplier delivered, held apart until QA inspects it (P4.4)."""

    number: str
    material_code: str
    supplier: str
    quantity: Decimal
    delivery_note: str
    recorded: Signature
    purchase_order: str | None
    status: DeliveryStatus
    waiting_because: str = ""
    accepted: Decimal = Decimal(0)
    rejected: Decimal = Decimal(0)
    note: str = ""
    inspected: Signature | None = None
    resolved: Signature | None = None


def fits(order: PurchaseOrder | None, material_code: str, quantity: Decimal) -> str:
    """Why a delivery cannot be inspected against `order` ("" if it can)."""
    if order is None:
        return "no purchase order"
    if order.status is not PurchaseOrderStatus.OPEN:
        return f"purchase order {order.number} is closed"
    if order.material_code != material_code:
        return f"purchase order {order.number} is for {order.material_code}"
    if quantity > order.open_quantity:
        return f"over purchase order {order.number}: it expects {order.open_quantity:f} more"
    return ""


def record_delivery(
    number: str,
    order: PurchaseOrder | None,
    material_code: str,
    supplier: str,
    quantity: Decimal,
    delivery_note: str,
    signed: Signature,
) -> Delivery:
    """The warehouse clerk records a delivery (P4.4): against its purchase order it waits for
    inspection; without one, or over it, it waits for purchasing."""
    problem = fits(order, material_code, quantity)
    return Delivery(
        number,
        material_code,
        supplier,
        quantity,
        delivery_note,
        signed,
        purchase_order=order.number if order is not None and not problem else None,
        status=DeliveryStatus.AWAITING_PURCHASING
        if problem
        else DeliveryStatus.AWAITING_INSPECTION,
        waiting_because=problem,
    )


def assign_delivery(delivery: Delivery, order: PurchaseOrder, signed: Signature) -> Delivery:
    """Purchasing puts a waiting delivery against a purchase order."""
    if delivery.status is not DeliveryStatus.AWAITING_PURCHASING:
        raise NotAllowedNow(f"delivery {delivery.number} does not wait for purchasing")
    problem = fits(order, delivery.material_code, delivery.quantity)
    if problem:
        raise NotAllowedNow(problem)
    return replace(
        delivery,
        purchase_order=order.number,
        status=DeliveryStatus.AWAITING_INSPECTION,
        waiting_because="",
        resolved=signed,
    )


def send_delivery_back(delivery: Delivery, reason: str, signed: Signature) -> Delivery:
    """Purchasing returns a waiting delivery to its supplier."""
    if delivery.status is not DeliveryStatus.AWAITING_PURCHASING:
        raise NotAllowedNow(f"delivery {delivery.number} does not wait for purchasing")
    if not reason.strip():
        raise InvalidDecision("a returned delivery needs a reason")
    return replace(delivery, status=DeliveryStatus.RETURNED, note=reason, resolved=signed)


def inspect_delivery(
    delivery: Delivery, accepted: Decimal, rejected: Decimal, note: str, signed: Signature
) -> Delivery:
    """QA's incoming inspection (P4.4): accepted and rejected add up to the delivery."""
    if delivery.status is not DeliveryStatus.AWAITING_INSPECTION:
        raise NotAllowedNow(f"delivery {delivery.number} is {delivery.status.value}")
    if accepted < 0 or rejected < 0 or accepted + rejected != delivery.quantity:
        raise InvalidDecision(f"accepted and rejected must add up to {delivery.quantity:f}")
    if rejected and not note.strip():
        raise InvalidDecision("rejected material needs a note saying what is wrong")
    return replace(
        delivery,
        status=DeliveryStatus.INSPECTED,
        accepted=accepted,
        rejected=rejected,
        note=note,
        inspected=signed,
    )


def book_delivery(order: PurchaseOrder, delivery: Delivery) -> PurchaseOrder:
    """The purchase order after a delivery was put against it (not inspected yet)."""
    return replace(order, delivered=order.delivered + delivery.quantity)


def book_inspection(order: PurchaseOrder, delivery: Delivery) -> PurchaseOrder:
    """The purchase order after QA inspected one of its deliveries: closed once everything it
    ordered was delivered (a rejected part is bought again on a new requisition)."""
    changed = replace(
        order,
        accepted=order.accepted + delivery.accepted,
        rejected=order.rejected + delivery.rejected,
    )
    if changed.accepted + changed.rejected >= changed.quantity:
        changed = replace(changed, status=PurchaseOrderStatus.CLOSED)
    return changed


class ReturnStatus(StrEnum):
    OPEN = "open"
    SENT = "sent"


@dataclass(frozen=True)
class SupplierReturn:
    """Rejected material on its way back to the supplier, through purchasing (P4.4)."""

    number: str
    delivery: str
    purchase_order: str | None
    material_code: str
    supplier: str
    quantity: Decimal
    reason: str
    status: ReturnStatus = ReturnStatus.OPEN
    sent: Signature | None = None


def send_return(supplier_return: SupplierReturn, signed: Signature) -> SupplierReturn:
    if supplier_return.status is not ReturnStatus.OPEN:
        raise NotAllowedNow(f"return {supplier_return.number} was already sent")
    return replace(supplier_return, status=ReturnStatus.SENT, sent=signed)
