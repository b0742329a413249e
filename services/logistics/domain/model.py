"""The shipment of one order: prepared from the finished goods, released, dispatched with a
carrier, closed (P5). One order has one shipment."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ShipmentStatus(StrEnum):
    AWAITING_RELEASE = "awaiting_release"
    RELEASED = "released"
    DISPATCHED = "dispatched"
    CLOSED = "closed"


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"


AUTOMATIC_RELEASE = "automatic"
"""Who released a shipment released without a person: every shipment, for now."""

DEFAULT_CARRIER = "DHL Freight"


@dataclass(frozen=True)
class Line:
    product_code: str
    quantity: int


@dataclass(frozen=True)
class PrepareShipment:
    """Command: prepare the shipment of an order's finished goods (P5.4)."""

    order_id: str
    production_order_id: str
    lines: tuple[Line, ...]
    ready_on: date


@dataclass(frozen=True)
class ShipmentWasDispatched:
    order_id: str
    shipment_id: str


DomainEvent = ShipmentWasDispatched


class NotReleased(Exception):
    """The dispatcher never ships without a release (P5.3)."""


def shipment_number(order_id: str) -> str:
    """Logistics' number for the order's only shipment: SH-<order id>."""
    return f"SH-{order_id}"


def tracking_number_for(order_id: str) -> str:
    """A stand-in for the carrier's tracking number until a carrier is connected: stable per
    order, so a replayed dispatch yields the same number (P5.5)."""
    return "TRK" + hashlib.sha1(order_id.encode()).hexdigest()[:12]


@dataclass
class Shipment:
    shipment_id: str
    order_id: str
    production_order_id: str
    lines: tuple[Line, ...]
    ready_on: date
    status: ShipmentStatus = ShipmentStatus.AWAITING_RELEASE
    released_by: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    dispatched_on: date | None = None
    outcome: Outcome | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def prepare(cls, command: PrepareShipment) -> "Shipment":
        """The order's finished goods are set aside for shipping (P5.4)."""
        return cls(
            shipment_id=shipment_number(command.order_id),
            order_id=command.order_id,
            production_order_id=command.production_order_id,
            lines=command.lines,
            ready_on=command.ready_on,
        )

    def release(self, released_by: str) -> None:
        """Record who released the shipment (P5.1). Until finance confirms the payment
        condition (P5.2), every shipment is released automatically."""
        if self.status is not ShipmentStatus.AWAITING_RELEASE:
            return
        self.status = ShipmentStatus.RELEASED
        self.released_by = released_by

    def dispatch(self, carrier: str, tracking_number: str, today: date) -> None:
        """Hand the goods to the carrier, recording carrier and tracking number (P5.4, P5.5)."""
        if self.status is not ShipmentStatus.RELEASED:
            raise NotReleased(f"shipment {self.shipment_id} is {self.status}, not released")
        self.status = ShipmentStatus.DISPATCHED
        self.carrier = carrier
        self.tracking_number = tracking_number
        self.dispatched_on = today
        self.events.append(ShipmentWasDispatched(self.order_id, self.shipment_id))

    def close(self, outcome: Outcome) -> None:
        """File the shipment with the order's final outcome (P7.6)."""
        if self.status is ShipmentStatus.CLOSED:
            return
        self.status = ShipmentStatus.CLOSED
        self.outcome = outcome
