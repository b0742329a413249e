"""Events of shipment release, dispatch and delivery (P5), version 1. Every one is keyed by
its order id; an order may ship in several shipments, each with its own number."""

from decimal import Decimal
from typing import ClassVar, Final, Literal

from pydantic import Field

from shared.contracts import topics
from shared.contracts.bounds import (
    MAX_LINES,
    ContractDate,
    DaysLate,
    DocumentNumber,
    Name,
    Reason,
)
from shared.contracts.common import Address, Contact, Contract, CurrencyCode, Money, Signed
from shared.contracts.envelope import Event
from shared.contracts.events import ProducedLine

Role = Literal[
    "customer_service",
    "customer_service_lead",
    "sales_rep",
    "sales_manager",
    "general_manager",
    "finance",
    "finance_clerk",
    "finance_manager",
    "dispatcher",
    "order_clerk",
]
"""Who a shipping event asks to act."""

MAX_ROLES: Final = 10


class ShipmentRequestedPayload(Contract):
    """The shipping request customer service raised (P5.1): what goes, where and to whom."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    lines: list[ProducedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Quantities this shipment takes"
    )
    partial: bool = Field(description="Less than the order's remaining quantities (agreed)")
    delivery_address: Address = Field(description="Address as customer service confirmed it")
    contact: Contact = Field(description="Receiver and contact as customer service confirmed")
    requested: Signed = Field(description="Who raised the request, in which role, when")


class ShipmentRequested(Event):
    """A shipment waits for finance's payment check and the release signature (P5.1)."""

    TOPIC: ClassVar[str] = topics.SHIPMENT_REQUESTED
    event_type: Literal["shipment.requested"] = Field(
        default=topics.SHIPMENT_REQUESTED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ShipmentRequestedPayload


class ShipmentReleasedPayload(Contract):
    """The release of one shipment (P5.1, P5.3, P8.1)."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    kind: Literal["signed", "emergency"] = Field(
        description="signed: finance and the release signature; emergency: paperwork to follow"
    )
    released: Signed = Field(description="Who signed the release (or the emergency release)")
    finance: Signed | None = Field(description="Who signed for finance; null: not yet")
    reason: Reason = Field(default="", description="Why, for an emergency release")


class ShipmentReleased(Event):
    """The dispatcher may ship (P5.1, P5.3)."""

    TOPIC: ClassVar[str] = topics.SHIPMENT_RELEASED
    event_type: Literal["shipment.released"] = Field(
        default=topics.SHIPMENT_RELEASED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ShipmentReleasedPayload


class ShipmentEscalatedPayload(Contract):
    """An emergency release whose signatures are still missing after a working day (P5.3)."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    released_at: Signed = Field(description="The emergency release")
    missing: list[Literal["finance", "release"]] = Field(
        min_length=1, max_length=2, description="Signatures still missing"
    )
    escalated_to: Literal["general_manager"] = Field(description="Who must now see to it")


class ShipmentEscalated(Event):
    """The general manager must see to an emergency release's missing paperwork (P5.3)."""

    TOPIC: ClassVar[str] = topics.SHIPMENT_ESCALATED
    event_type: Literal["shipment.escalated"] = Field(
        default=topics.SHIPMENT_ESCALATED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ShipmentEscalatedPayload


class GoodsDeliveredPayload(Contract):
    """The customer's signed delivery receipt (P5.6), with cash collected on delivery (P6.1)."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    delivered_on: ContractDate = Field(description="Day the customer signed the receipt")
    received_by: Name = Field(description="Who signed the receipt for the customer")
    lines: list[ProducedLine] = Field(
        max_length=MAX_LINES, description="Quantities the customer signed for"
    )
    discrepancy: Reason = Field(default="", description="What did not match; empty: nothing")
    late: bool = Field(description="Delivered after the day the shipping notice gave")
    order_delivered: bool = Field(
        description="Every shipment of the order is delivered and nothing is left to ship"
    )
    cash_collected: Money = Field(
        default=Decimal("0.00"), description="Cash the carrier collected on delivery (0: none)"
    )
    currency: CurrencyCode | None = Field(
        default=None, description="Currency of cash_collected; null when none was collected"
    )
    recorded: Signed = Field(description="Who recorded the receipt")


class GoodsDelivered(Event):
    """A shipment reached the customer (P5.6)."""

    TOPIC: ClassVar[str] = topics.GOODS_DELIVERED
    event_type: Literal["goods.delivered"] = Field(
        default=topics.GOODS_DELIVERED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: GoodsDeliveredPayload


class DeliveryLatePayload(Contract):
    """A shipment not delivered by the day its shipping notice gave (P5.6)."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    expected_on: ContractDate = Field(description="Day the shipping notice gave")
    days_late: DaysLate = Field(description="Days past that day")
    notify: list[Role] = Field(
        min_length=1, max_length=MAX_ROLES, description="Who is told: customer service, sales rep"
    )


class DeliveryLate(Event):
    """Customer service and the sales rep are told that a delivery is late (P5.6)."""

    TOPIC: ClassVar[str] = topics.DELIVERY_LATE
    event_type: Literal["delivery.late"] = Field(
        default=topics.DELIVERY_LATE, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: DeliveryLatePayload
