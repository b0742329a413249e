"""The envelope every Orderflow event carries."""

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.bounds import ContractMoment, OrderId, ServiceName
from shared.contracts.common import Contract


class Event(Contract):
    """Base of every event published by an Orderflow service.

    Subclasses fix `event_type` (equal to the topic name) and `schema_version` with Literal types,
    and add a typed `payload`.
    """

    TOPIC: ClassVar[str]

    event_id: UUID = Field(description="Unique id of this event")
    event_type: str = Field(description="Kind of event; equals the topic it is published on")
    schema_version: int = Field(description="Version of this event type's schema")
    order_id: OrderId = Field(description="Order number the event concerns; also the Kafka key")
    occurred_at: ContractMoment = Field(description="When it happened (ISO 8601, with offset)")
    producer: ServiceName = Field(description="Service that produced the event")
    causation_id: UUID | None = Field(
        description="Id of the event or message that caused this one (null if none)"
    )

    def kafka_key(self) -> str:
        """The Kafka message key: the order id, so one order's events stay in order."""
        return self.order_id
