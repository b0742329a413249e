"""What happened to a shipment, for the other departments (P5.1 to P5.6)."""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ShipmentWasRequested:
    shipment_id: str


@dataclass(frozen=True)
class ShipmentWasReleased:
    shipment_id: str
    kind: Literal["signed", "emergency"]


@dataclass(frozen=True)
class ShipmentWasEscalated:
    shipment_id: str
    missing: tuple[Literal["finance", "release"], ...]


@dataclass(frozen=True)
class GoodsWereShipped:
    shipment_id: str


@dataclass(frozen=True)
class GoodsWereDelivered:
    shipment_id: str
    order_delivered: bool


@dataclass(frozen=True)
class DeliveryWasLate:
    shipment_id: str
    days_late: int


@dataclass(frozen=True)
class ShipmentWasCancelled:
    shipment_id: str


DomainEvent = (
    ShipmentWasRequested
    | ShipmentWasReleased
    | ShipmentWasEscalated
    | GoodsWereShipped
    | GoodsWereDelivered
    | DeliveryWasLate
    | ShipmentWasCancelled
)
