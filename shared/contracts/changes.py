"""Changes and cancellations of a placed order (P7.1, P7.2, P7.4), version 1. Keyed by the
order id. Sales records a change once and publishes it to every department; each department
answers with what it found; sales decides and every department applies the decision
(docs/changes-and-returns.md)."""

from typing import ClassVar, Final, Literal, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field, model_validator

from shared.contracts import topics
from shared.contracts.bounds import (
    MAX_LINES,
    ChangeNo,
    ContractDate,
    ContractMoment,
    DocumentNumber,
    MaterialCode,
    OrderVersion,
    Reason,
    RequiredReason,
    Unit,
)
from shared.contracts.common import Contract, Money, OrderLine, Signed
from shared.contracts.envelope import Event
from shared.contracts.events import ProducedLine
from shared.contracts.production import MAX_MATERIALS, MaterialQuantity

ChangeKind = Literal["decrease", "increase", "date", "requirement", "cancel"]
"""What a change alters: a quantity lower or a line removed, a quantity higher or a line
added, the delivery date, the product requirements in words, or the whole order."""

REVIEWED_KINDS: Final = frozenset({"increase", "date", "requirement"})
"""Kinds that need a new review after confirmation (P7.3); the others do not (P7.2)."""

Department = Literal["review", "production", "logistics", "finance"]
"""The departments that acknowledge a change (P7.1)."""

DEPARTMENTS: Final[tuple[Department, ...]] = ("review", "production", "logistics", "finance")

Stage = Literal["before_confirmation", "after_confirmation"]
"""Where the order stood when sales recorded the change (P7.4 versus P7.2, P7.3)."""


def change_number(order_id: str, change_no: int) -> str:
    """The change's document number, CR-<order id>-<n>."""
    return f"CR-{order_id}-{change_no}"


_ACKNOWLEDGEMENTS: Final = uuid5(NAMESPACE_URL, "orderflow:change-acknowledgement")


def acknowledgement_id(consumed: UUID, department: str) -> UUID:
    """The id of a department's acknowledgement of the consumed change.requested: the same
    each time that event is handled, and unlike any other department's (rule 7)."""
    return uuid5(_ACKNOWLEDGEMENTS, f"{consumed}:{department}")


def _lines_agree(lines: list[OrderLine], cancel: bool) -> None:
    if cancel and lines:
        raise ValueError("a cancellation carries no lines")
    if not cancel and not lines:
        raise ValueError("a change that is not a cancellation keeps at least one line")
    numbers = [line.line_no for line in lines]
    if len(set(numbers)) != len(numbers):
        raise ValueError("line numbers repeat")


class ChangeRequestedPayload(Contract):
    """A change of the order, recorded by sales, for every department at once (P7.1)."""

    change_no: ChangeNo = Field(description="The version this change would make")
    based_on: OrderVersion = Field(description="The applied version it was made against")
    kinds: list[ChangeKind] = Field(min_length=1, max_length=5, description="What differs")
    stage: Stage = Field(description="Before or after the order was confirmed (P7.4)")
    needs_review: bool = Field(description="True when an increase, date or requirement changes")
    lines: list[OrderLine] = Field(
        max_length=MAX_LINES, description="The complete new lines; empty exactly for a cancel"
    )
    total_amount: Money = Field(description="Sum of the new lines")
    requested_delivery_date: ContractDate = Field(description="The date the customer asks now")
    requirements: Reason = Field(default="", description="The product requirements in words")
    reason: RequiredReason = Field(description="What the customer asked, as recorded")
    via: Literal["desk", "resubmission"] = Field(
        description="The sales API, or a resubmission of the order that differs from it"
    )
    requested: Signed | None = Field(
        description="Who recorded it; null: another system resubmitted the order"
    )
    answer_by: ContractMoment = Field(description="When every department must have answered")
    supersedes: ChangeNo | None = Field(
        default=None, description="An open change before confirmation that this one replaces"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(set(self.kinds)) != len(self.kinds):
            raise ValueError("kinds repeat")
        _lines_agree(self.lines, "cancel" in self.kinds)
        if self.needs_review != bool(REVIEWED_KINDS & set(self.kinds)):
            raise ValueError("needs_review must be true exactly for increase, date or requirement")
        if sum((line.amount for line in self.lines), start=0) != self.total_amount:
            raise ValueError("total_amount is not the sum of the line amounts")
        if self.change_no <= self.based_on:
            raise ValueError("change_no must be above the version it is based on")
        if self.supersedes is not None and self.supersedes >= self.change_no:
            raise ValueError("a change supersedes only an earlier one")
        return self


class ChangeRequested(Event):
    """A customer's change or cancellation, to every department at once (P7.1)."""

    TOPIC: ClassVar[str] = topics.CHANGE_REQUESTED
    event_type: Literal["change.requested"] = Field(
        default=topics.CHANGE_REQUESTED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ChangeRequestedPayload


class MaterialConsumed(Contract):
    """Material already issued to the order's production (P7.2)."""

    material_code: MaterialCode = Field(description="Material code")
    unit: Unit = Field(description="Unit of measure")
    quantity: MaterialQuantity = Field(description="Quantity issued")


class MaterialOnOrder(Contract):
    """Material bought for the order on a purchase order (P7.2)."""

    purchase_order: DocumentNumber = Field(description="The purchase order's number")
    material_code: MaterialCode = Field(description="Material code")
    ordered: MaterialQuantity = Field(description="Quantity ordered from the supplier")
    delivered: MaterialQuantity = Field(description="Quantity delivered so far")


DEPARTMENT_FIELDS: Final[dict[Department, frozenset[str]]] = {
    "review": frozenset({"review"}),
    "production": frozenset(
        {"started", "units_finished", "materials_consumed", "materials_on_order", "held"}
    ),
    "logistics": frozenset({"held", "handed_over"}),
    "finance": frozenset({"paid_total", "deposit_amount", "invoiced"}),
}
"""Which sections of an acknowledgement belong to which department."""

_SECTIONS: Final = frozenset().union(*DEPARTMENT_FIELDS.values())
_LIST_SECTIONS: Final = frozenset(
    {"units_finished", "materials_consumed", "materials_on_order", "held", "handed_over"}
)


class ChangeAcknowledgedPayload(Contract):
    """One department's answer to a change, computed from its own data (P7.1)."""

    change_no: ChangeNo = Field(description="The change answered")
    department: Department = Field(description="Who answers; equals the envelope's producer")
    outcome: Literal["accepted", "refused"] = Field(description="Whether it can take the change")
    reason: Reason = Field(default="", description="Why, required when refused")
    review: Literal["not_needed", "restarted", "reopened"] | None = Field(
        default=None,
        description="Review: no new review needed, the review started again (before "
        "confirmation, P7.4), or a new round on the new content (after it, P7.3)",
    )
    started: bool | None = Field(default=None, description="Production: production has begun")
    units_finished: list[ProducedLine] = Field(
        default_factory=list, max_length=MAX_LINES, description="Production: units finished"
    )
    materials_consumed: list[MaterialConsumed] = Field(
        default_factory=list, max_length=MAX_MATERIALS, description="Production: material issued"
    )
    materials_on_order: list[MaterialOnOrder] = Field(
        default_factory=list, max_length=MAX_MATERIALS, description="Production: material bought"
    )
    held: list[DocumentNumber] = Field(
        default_factory=list,
        max_length=MAX_MATERIALS,
        description="Logistics: shipments held; production: its order whose start is held",
    )
    handed_over: list[ProducedLine] = Field(
        default_factory=list, max_length=MAX_LINES, description="Logistics: what has left"
    )
    paid_total: Money | None = Field(default=None, description="Finance: money received")
    deposit_amount: Money | None = Field(default=None, description="Finance: deposit asked")
    invoiced: Money | None = Field(default=None, description="Finance: amount invoiced")

    @model_validator(mode="after")
    def _own_sections_only(self) -> Self:
        if self.outcome == "refused" and not self.reason:
            raise ValueError("a refusal needs a reason")
        own = DEPARTMENT_FIELDS[self.department]
        for name in _SECTIONS - own:
            value = getattr(self, name)
            if bool(value) if name in _LIST_SECTIONS else value is not None:
                raise ValueError(f"{name} is not the {self.department} department's section")
        return self

    def spent(self) -> bool:
        """Production reports something a charge could be for (P7.2)."""
        return bool(
            self.started
            or self.units_finished
            or self.materials_consumed
            or self.materials_on_order
        )


class ChangeAcknowledged(Event):
    """A department's answer to a change: accepted with what it found, or refused (P7.1)."""

    TOPIC: ClassVar[str] = topics.CHANGE_ACKNOWLEDGED
    event_type: Literal["change.acknowledged"] = Field(
        default=topics.CHANGE_ACKNOWLEDGED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ChangeAcknowledgedPayload


Outcome = Literal["applied", "refused", "withdrawn", "superseded"]


class ChangeDecidedPayload(Contract):
    """Sales' decision on a change, with the content every department applies (P7.2, P7.4)."""

    change_no: ChangeNo = Field(description="The change decided")
    outcome: Outcome = Field(description="Applied, refused, withdrawn by the customer, superseded")
    stage: Literal["before_confirmation", "after_confirmation"] = Field(
        description="Before confirmation the review starts again with the new content (P7.4)"
    )
    kinds: list[ChangeKind] = Field(min_length=1, max_length=5, description="What it changed")
    lines: list[OrderLine] = Field(
        max_length=MAX_LINES, description="The applied lines; empty for a cancel or not applied"
    )
    total_amount: Money | None = Field(description="The new total; null when not applied")
    delivery_date: ContractDate | None = Field(
        description="The date asked at this version; null when not applied"
    )
    requirements: Reason = Field(default="", description="The product requirements in words")
    charge: Money | None = Field(
        default=None, description="What the customer pays for what was spent (P7.2)"
    )
    charge_reason: Reason = Field(default="", description="What the charge is for")
    reason: Reason = Field(default="", description="Why, required unless applied")
    refused_by: Literal["sales", "review", "production", "logistics", "finance"] | None = Field(
        default=None, description="Who refused it"
    )
    decided: Signed | None = Field(
        description="Who decided; null: decided by rule, nothing spent and nothing refused"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        applied = self.outcome == "applied"
        cancel = "cancel" in self.kinds
        if applied:
            _lines_agree(self.lines, cancel)
            if self.total_amount is None or self.delivery_date is None:
                raise ValueError("an applied change carries its total and date")
            if sum((line.amount for line in self.lines), start=0) != self.total_amount:
                raise ValueError("total_amount is not the sum of the line amounts")
        else:
            if self.lines or self.total_amount is not None or self.delivery_date is not None:
                raise ValueError("a change not applied carries no content")
            if not self.reason:
                raise ValueError("a change not applied needs a reason")
        if self.charge is not None and not (applied and {"decrease", "cancel"} & set(self.kinds)):
            raise ValueError("a charge comes only with an applied decrease or cancellation")
        if self.outcome == "refused" and self.refused_by is None:
            raise ValueError("a refusal names who refused")
        return self


class ChangeDecided(Event):
    """A change applied, refused, withdrawn or superseded; the applied content is in it."""

    TOPIC: ClassVar[str] = topics.CHANGE_DECIDED
    event_type: Literal["change.decided"] = Field(
        default=topics.CHANGE_DECIDED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ChangeDecidedPayload


class ShipmentCancelledPayload(Contract):
    """A held shipment the applied change no longer allows (P7.2)."""

    shipment_id: DocumentNumber = Field(description="The cancelled shipment")
    change_no: ChangeNo = Field(description="The change that cancelled it")
    reason: RequiredReason = Field(description="Why, for customer service to request again")
    cancelled: Signed | None = Field(default=None, description="null: by the change's rule")


class ShipmentCancelled(Event):
    """Logistics cancelled a shipment that the applied change no longer allows (P7.2)."""

    TOPIC: ClassVar[str] = topics.SHIPMENT_CANCELLED
    event_type: Literal["shipment.cancelled"] = Field(
        default=topics.SHIPMENT_CANCELLED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ShipmentCancelledPayload
