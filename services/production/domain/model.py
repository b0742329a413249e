"""The production order of one customer order: planned from the order's lines, released by
review, produced and inspected, closed (P4).

Production hears about an order from different services: the lines come with `order.placed`
(sales), the release with `review.completed` (review), the end with `order.closed` (sales).
Kafka keeps no order between topics, so the production order can be started by any of them,
and it produces exactly once, as soon as it has both the lines and an approved release.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ProductionStatus(StrEnum):
    AWAITING_RELEASE = "awaiting_release"
    """The lines are known; review has not released the order yet."""
    AWAITING_ORDER = "awaiting_order"
    """Review released the order; its lines have not arrived yet."""
    PRODUCED = "produced"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class Release(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"


@dataclass(frozen=True)
class Line:
    line_no: int
    product_code: str
    quantity: int


@dataclass(frozen=True)
class PlanOrder:
    """Command: plan production of a placed order's lines (P4.1)."""

    order_id: str
    lines: tuple[Line, ...]
    requested_delivery_date: date


@dataclass(frozen=True)
class ReleaseOrder:
    """Command: act on review's verdict; only an approved order is made (P2.5, P2.6)."""

    order_id: str
    approved: bool
    confirmed_delivery_date: date | None


@dataclass(frozen=True)
class GoodsWereProduced:
    order_id: str
    production_order_id: str
    lines: tuple[Line, ...]
    ready_on: date


DomainEvent = GoodsWereProduced


def production_order_number(order_id: str) -> str:
    """Production's own number for the order: MO-<order id> (a manufacturing order, so it is
    never mistaken for a customer's purchase order)."""
    return f"MO-{order_id}"


@dataclass
class ProductionOrder:
    order_id: str
    production_order_id: str
    lines: tuple[Line, ...] | None = None
    requested_delivery_date: date | None = None
    release: Release | None = None
    confirmed_delivery_date: date | None = None
    status: ProductionStatus = ProductionStatus.AWAITING_RELEASE
    ready_on: date | None = None
    outcome: Outcome | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, order_id: str) -> "ProductionOrder":
        """An empty production order, before either the lines or the release are known."""
        return cls(order_id=order_id, production_order_id=production_order_number(order_id))

    def plan(self, command: PlanOrder, today: date) -> None:
        """Record the lines to make; the first copy of the order counts (P4.1)."""
        if self.lines is not None:
            return
        self.lines = command.lines
        self.requested_delivery_date = command.requested_delivery_date
        self._advance(today)

    def record_release(self, command: ReleaseOrder, today: date) -> None:
        """Record review's verdict; the first verdict counts."""
        if self.release is not None:
            return
        if command.approved:
            self.release = Release.APPROVED
            self.confirmed_delivery_date = command.confirmed_delivery_date
        else:
            self.release = Release.DECLINED
        self._advance(today)

    def close(self, outcome: Outcome) -> None:
        """File the production order with the order's final outcome (P7.6)."""
        if self.status is ProductionStatus.CLOSED:
            return
        self.status = ProductionStatus.CLOSED
        self.outcome = outcome

    def _advance(self, today: date) -> None:
        if self.status not in (ProductionStatus.AWAITING_RELEASE, ProductionStatus.AWAITING_ORDER):
            return
        if self.release is Release.DECLINED:
            self.status = ProductionStatus.CANCELLED
        elif self.release is None:
            self.status = ProductionStatus.AWAITING_RELEASE
        elif self.lines is None:
            self.status = ProductionStatus.AWAITING_ORDER
        else:
            self._produce(today)

    def _produce(self, today: date) -> None:
        """Materials, production and final inspection, all at once for now: the goods pass QA
        and enter the finished-goods store today, and the order is reported complete (P4.8,
        P4.9). Material planning and scheduling (P4.1-P4.6) will sit between release and here."""
        assert self.lines is not None
        self.status = ProductionStatus.PRODUCED
        self.ready_on = today
        self.events.append(
            GoodsWereProduced(self.order_id, self.production_order_id, self.lines, today)
        )
