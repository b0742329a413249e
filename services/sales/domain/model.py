"""The sales order and its life: placed, reviewed, shipped, paid, closed."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class OrderStatus(StrEnum):
    PLACED = "placed"
    APPROVED = "approved"
    CLOSED = "closed"


class Outcome(StrEnum):
    FULFILLED = "fulfilled"
    DECLINED = "declined"


@dataclass(frozen=True)
class Line:
    line_no: int
    product_code: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PlaceOrder:
    """Command: register a written order (P1.2)."""

    submitter: str
    customer_reference: str
    customer_id: str
    channel: str
    currency: str
    lines: tuple[Line, ...]
    stated_total: Decimal | None
    requested_delivery_date: date
    delivery_address: dict[str, Any]
    contact: dict[str, Any]


@dataclass(frozen=True)
class OrderWasPlaced:
    order_id: str


@dataclass(frozen=True)
class OrderWasClosed:
    order_id: str
    outcome: Outcome


DomainEvent = OrderWasPlaced | OrderWasClosed


@dataclass
class Order:
    order_id: str
    submitter: str
    customer_reference: str
    customer_id: str
    channel: str
    currency: str
    lines: tuple[Line, ...]
    requested_delivery_date: date
    delivery_address: dict[str, Any]
    contact: dict[str, Any]
    status: OrderStatus = OrderStatus.PLACED
    confirmed_delivery_date: date | None = None
    shipped: bool = False
    settled: bool = False
    outcome: Outcome | None = None
    decline_reason: str = ""
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @classmethod
    def place(cls, order_id: str, command: PlaceOrder) -> "Order":
        order = cls(
            order_id=order_id,
            submitter=command.submitter,
            customer_reference=command.customer_reference,
            customer_id=command.customer_id,
            channel=command.channel,
            currency=command.currency,
            lines=command.lines,
            requested_delivery_date=command.requested_delivery_date,
            delivery_address=command.delivery_address,
            contact=command.contact,
        )
        order.events.append(OrderWasPlaced(order_id))
        return order

    def record_review(self, approved: bool, confirmed_date: date | None, reason: str) -> None:
        """Review's verdict (P2): approved orders go on; declined ones close (P2.6)."""
        if self.status is not OrderStatus.PLACED:
            return
        if approved:
            self.status = OrderStatus.APPROVED
            self.confirmed_delivery_date = confirmed_date
            self._close_if_fulfilled()
        else:
            self.decline_reason = reason
            self._close(Outcome.DECLINED)

    def record_shipment(self) -> None:
        self.shipped = True
        self._close_if_fulfilled()

    def record_payment(self, settled: bool) -> None:
        self.settled = self.settled or settled
        self._close_if_fulfilled()

    def _close_if_fulfilled(self) -> None:
        if self.status is OrderStatus.APPROVED and self.shipped and self.settled:
            self._close(Outcome.FULFILLED)

    def _close(self, outcome: Outcome) -> None:
        self.status = OrderStatus.CLOSED
        self.outcome = outcome
        self.events.append(OrderWasClosed(self.order_id, outcome))
