"""Events of materials, scheduling, production and delays (P4), version 1."""

from decimal import Decimal
from typing import Annotated, ClassVar, Final, Literal

from pydantic import Field

from shared.contracts import topics
from shared.contracts.bounds import (
    MATERIAL_QUANTITY_LIMIT,
    ContractDate,
    DocumentNumber,
    IsoWeek,
    MaterialCode,
    Reason,
    Unit,
)
from shared.contracts.common import Contract
from shared.contracts.envelope import Event

MAX_MATERIALS: Final = 1_000
"""Materials on one requirement list: every line's bill of materials together."""

MaterialQuantity = Annotated[
    Decimal, Field(ge=0, lt=MATERIAL_QUANTITY_LIMIT, max_digits=20, decimal_places=6)
]


class ListedMaterial(Contract):
    """One material of an order's requirement list (P4.1, P4.2, P4.3)."""

    material_code: MaterialCode = Field(description="Material code")
    unit: Unit = Field(description="Unit of measure")
    need: MaterialQuantity = Field(description="Needed for the order")
    reserved: MaterialQuantity = Field(description="Reserved from stock")
    shortfall: MaterialQuantity = Field(description="To be purchased")
    needed_by: ContractDate = Field(
        description="Latest day it may arrive for the order to be on time"
    )


class MaterialsListedPayload(Contract):
    """The material requirement list: what the order needs, has and lacks."""

    production_order_id: DocumentNumber = Field(description="Production's own order number")
    urgent: bool = Field(description="A rush order (P4.6)")
    materials: list[ListedMaterial] = Field(max_length=MAX_MATERIALS)


class MaterialsListed(Event):
    """The material requirement list of a released order (P4.1, P4.2)."""

    TOPIC: ClassVar[str] = topics.MATERIALS_LISTED
    event_type: Literal["materials.listed"] = Field(
        default=topics.MATERIALS_LISTED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: MaterialsListedPayload


class ScheduleChangedPayload(Contract):
    """An order's place in the weekly schedule (P4.5); `week` null: not booked any more."""

    production_order_id: DocumentNumber = Field(description="Production's own order number")
    week: IsoWeek | None = Field(description="ISO week whose capacity it is booked in")
    units: int = Field(ge=0, le=2**31 - 1, description="Units booked")
    planned_start: ContractDate | None = Field(description="Day production is planned to start")
    ready_on: ContractDate | None = Field(description="Day the goods are expected ready")
    urgent: bool = Field(description="A rush order (P4.6)")
    released: bool = Field(description="False: a tentative booking made for review")


class ScheduleChanged(Event):
    """The weekly schedule changed for this order (P4.5, P4.6)."""

    TOPIC: ClassVar[str] = topics.SCHEDULE_CHANGED
    event_type: Literal["schedule.changed"] = Field(
        default=topics.SCHEDULE_CHANGED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ScheduleChangedPayload


DelayCause = Literal["late_purchase", "failed_inspection", "rush", "capacity", "production"]


class OrderDelayedPayload(Contract):
    """Why a released order will be late, and when it can be delivered instead."""

    production_order_id: DocumentNumber = Field(description="Production's own order number")
    cause: DelayCause = Field(description="What makes it late (P4.10)")
    confirmed_delivery_date: ContractDate = Field(description="The date it will miss")
    expected_delivery_date: ContractDate = Field(
        description="The earliest date it can be delivered"
    )
    reason: Reason = Field(description="In words")


class OrderDelayed(Event):
    """A released order will miss its confirmed date (P4.10)."""

    TOPIC: ClassVar[str] = topics.ORDER_DELAYED
    event_type: Literal["order.delayed"] = Field(
        default=topics.ORDER_DELAYED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: OrderDelayedPayload
