"""The production order of one customer order: assessed for feasibility, booked into a week,
released, supplied with material, produced and inspected, closed (P2.4, P3.2, P3.3, P4).

Production hears about an order on several topics, and Kafka keeps no order between them:
review asks whether it can be made (`feasibility.requested`), sales releases it
(`order.released`) and closes it (`order.closed`). Any of them can start the production order.
It is assessed once, released once, produced exactly once, and only after its release.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from services.production.domain.capacity import CapacityCalendar, iso_week, plan_capacity
from services.production.domain.feasibility import Answer
from services.production.domain.materials import (
    BomLine,
    Reservation,
    Stock,
    check_materials,
    requirements,
    reserve,
)


class ProductionStatus(StrEnum):
    AWAITING_RELEASE = "awaiting_release"
    """Known to production (assessed, or not yet), waiting for sales to release it."""
    PRODUCED = "produced"
    CLOSED = "closed"


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"


@dataclass(frozen=True)
class Line:
    product_code: str
    quantity: int


@dataclass(frozen=True)
class AssessFeasibility:
    """Command: answer review whether the order can be made by its date (P2.4)."""

    order_id: str
    customer_id: str
    requested_delivery_date: date
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class ReleaseOrder:
    """Command: make the order; sales released it through one of its gates (P3.2, P3.3)."""

    order_id: str
    delivery_date: date
    lines: tuple[Line, ...]
    gate: str


@dataclass(frozen=True)
class Booking:
    """Units of the order booked into one ISO week's capacity (P4.5)."""

    week: str
    units: int


@dataclass(frozen=True)
class Assessment:
    """Production's and purchasing's answers to review (P2.4)."""

    production: Answer
    purchasing: Answer


@dataclass(frozen=True)
class FeasibilityWasAssessed:
    order_id: str
    assessment: Assessment


@dataclass(frozen=True)
class GoodsWereProduced:
    order_id: str
    production_order_id: str
    lines: tuple[Line, ...]
    ready_on: date


DomainEvent = FeasibilityWasAssessed | GoodsWereProduced


def production_order_number(order_id: str) -> str:
    """Production's own number for the order: MO-<order id> (a manufacturing order, so it is
    never mistaken for a customer's purchase order)."""
    return f"MO-{order_id}"


def total_units(lines: tuple[Line, ...]) -> int:
    return sum(line.quantity for line in lines)


@dataclass
class ProductionOrder:
    order_id: str
    production_order_id: str
    customer_id: str | None = None
    lines: tuple[Line, ...] | None = None
    requested_delivery_date: date | None = None
    assessment: Assessment | None = None
    booking: Booking | None = None
    release_gate: str | None = None
    confirmed_delivery_date: date | None = None
    reservations: tuple[Reservation, ...] = ()
    status: ProductionStatus = ProductionStatus.AWAITING_RELEASE
    ready_on: date | None = None
    outcome: Outcome | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, order_id: str) -> "ProductionOrder":
        """An empty production order, before anything about the order is known."""
        return cls(order_id=order_id, production_order_id=production_order_number(order_id))

    @property
    def awaits_assessment(self) -> bool:
        """Whether a feasibility request still needs an answer: one answer per order, and none
        for an order already closed."""
        return self.assessment is None and self.status is not ProductionStatus.CLOSED

    @property
    def awaits_release(self) -> bool:
        return self.status is ProductionStatus.AWAITING_RELEASE and self.release_gate is None

    def assess(
        self,
        command: AssessFeasibility,
        calendar: CapacityCalendar,
        booked: Mapping[str, int],
        bom: Mapping[str, tuple[BomLine, ...]],
        stock: Mapping[str, Stock],
        today: date,
    ) -> None:
        """Answer review once for production and purchasing (P2.4, P4.5, P4.2, P4.3): the
        order's units in the requested ISO week (or the first later week with room), its
        materials from free stock or from suppliers in time. The capacity is booked,
        tentatively, in the week found, so later requests see it taken. `booked` holds the
        units other orders booked per week; `stock` the materials with other orders'
        reservations. A repeated request changes nothing and is not answered again."""
        if not self.awaits_assessment:
            return
        self.customer_id = command.customer_id
        self.requested_delivery_date = command.requested_delivery_date
        if self.lines is None:
            self.lines = command.lines
        plan = plan_capacity(
            calendar, booked, command.requested_delivery_date, total_units(command.lines)
        )
        purchasing = check_materials(
            requirements(_pairs(command.lines), bom),
            stock,
            today,
            command.requested_delivery_date,
        )
        self.assessment = Assessment(production=plan.answer, purchasing=purchasing)
        if self.booking is None and self.release_gate is None and plan.week is not None:
            self.booking = Booking(plan.week, total_units(command.lines))
        self.events.append(FeasibilityWasAssessed(self.order_id, self.assessment))

    def release(
        self,
        command: ReleaseOrder,
        bom: Mapping[str, tuple[BomLine, ...]],
        stock: Mapping[str, Stock],
        today: date,
    ) -> None:
        """Start production on sales' release, and on nothing else (P3.2, P3.3): the booking
        moves to the ISO week of the released delivery date, the warehouse reserves the
        materials it has (P4.2, the rest is to be purchased, P4.3), and the order is made.
        The first release counts; a closed order is never made."""
        if not self.awaits_release:
            return
        self.release_gate = command.gate
        self.confirmed_delivery_date = command.delivery_date
        self.lines = command.lines
        self.booking = Booking(iso_week(command.delivery_date), total_units(command.lines))
        self.reservations = reserve(requirements(_pairs(command.lines), bom), stock)
        self._produce(today)

    def close(self, outcome: Outcome) -> None:
        """File the production order with the order's final outcome (P7.6). A declined order
        that was never made gives its capacity booking and its material back."""
        if self.status is ProductionStatus.CLOSED:
            return
        if outcome is Outcome.DECLINED and self.status is not ProductionStatus.PRODUCED:
            self.booking = None
            self.reservations = ()
        self.status = ProductionStatus.CLOSED
        self.outcome = outcome

    def _produce(self, today: date) -> None:
        """Production and final inspection, all at once for now: with the material reserved
        or on order, the goods pass QA and enter the finished-goods store today, and the order
        is reported complete (P4.8, P4.9)."""
        assert self.lines is not None
        self.status = ProductionStatus.PRODUCED
        self.ready_on = today
        self.events.append(
            GoodsWereProduced(self.order_id, self.production_order_id, self.lines, today)
        )


def _pairs(lines: tuple[Line, ...]) -> list[tuple[str, int]]:
    return [(line.product_code, line.quantity) for line in lines]
