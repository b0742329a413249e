"""Returns of delivered goods and their credit notes (P7.5, P6.3), version 1. Keyed by the
order id. Logistics keeps the return's documents, finance credits what QA accepted."""

from typing import ClassVar, Final, Literal, Self

from pydantic import Field, model_validator

from shared.contracts import topics
from shared.contracts.bounds import (
    MAX_LINES,
    MAX_QUANTITY,
    ContractDate,
    DocumentNumber,
    ProductCode,
    Reason,
    ShortText,
    TrackingNumber,
    UnitPrice,
)
from shared.contracts.common import Contract, CurrencyCode, Money, Signed
from shared.contracts.envelope import Event
from shared.contracts.events import ProducedLine

ReturnStep = Literal["requested", "authorised", "declined", "received", "inspected", "sent_back"]
"""A return's steps: customer service asks, the sales manager authorises or declines, the order
clerk receives and unpacks, QA inspects, rejected goods go back to the customer."""

Remedy = Literal["credit", "replacement"]

UNITS_MAX: Final = MAX_QUANTITY * MAX_LINES


def return_number(order_id: str, return_no: int) -> str:
    """The return's document number, RT-<order id>-<n>."""
    return f"RT-{order_id}-{return_no}"


def credit_note_number(order_id: str, return_no: int) -> str:
    """The credit note's number for return n, CN-<order id>-<n>."""
    return f"CN-{order_id}-{return_no}"


class InspectedReturn(Contract):
    """QA's verdict on the returned units of one product (P7.5)."""

    product_code: ProductCode = Field(description="Product model code")
    accepted: int = Field(ge=0, le=UNITS_MAX, description="Units the return is accepted for")
    rejected: int = Field(ge=0, le=UNITS_MAX, description="Units sent back to the customer")


_STEP_FACTS: Final[dict[str, tuple[str, ...]]] = {
    "inspected": ("inspected",),
    "sent_back": ("carrier", "tracking_number"),
}


class ReturnSteppedPayload(Contract):
    """One step of a return, with the person who took it (P7.5)."""

    return_number: DocumentNumber = Field(description="RT-<order id>-<n>")
    step: ReturnStep = Field(description="Which step")
    shipment_id: DocumentNumber = Field(description="The delivered shipment the goods came in")
    lines: list[ProducedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Units asked for, or received"
    )
    inspected: list[InspectedReturn] = Field(
        default_factory=list, max_length=MAX_LINES, description="QA's verdict, at inspected"
    )
    remedy: Remedy = Field(description="Credit note or replacement")
    reason: Reason = Field(default="", description="Why the customer returns them, or declined")
    carrier: ShortText | None = Field(default=None, description="At sent_back: the carrier")
    tracking_number: TrackingNumber | None = Field(
        default=None, description="At sent_back: the carrier's tracking number"
    )
    signed: Signed = Field(description="Who took the step, in which role, when")

    @model_validator(mode="after")
    def _step_facts(self) -> Self:
        needed = _STEP_FACTS.get(self.step, ())
        for name in ("inspected", "carrier", "tracking_number"):
            present = bool(getattr(self, name))
            if present != (name in needed):
                raise ValueError(
                    f"{name} belongs to {'this' if name in needed else 'another'} step"
                )
        if self.step in ("requested", "declined") and not self.reason:
            raise ValueError(f"a return {self.step} needs a reason")
        if self.step == "inspected":
            received = {line.product_code: line.quantity for line in self.lines}
            verdict = {item.product_code: item.accepted + item.rejected for item in self.inspected}
            if received != verdict:
                raise ValueError("accepted plus rejected must be the units received, per product")
        return self


class ReturnStepped(Event):
    """A return moved one step: requested, authorised or declined, received, inspected, sent
    back (P7.5)."""

    TOPIC: ClassVar[str] = topics.RETURN_STEPPED
    event_type: Literal["return.stepped"] = Field(
        default=topics.RETURN_STEPPED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ReturnSteppedPayload


class CreditedLine(Contract):
    """Returned units of one product and what each is credited at."""

    product_code: ProductCode = Field(description="Product model code")
    quantity: int = Field(ge=1, le=UNITS_MAX, description="Units credited")
    unit_value: UnitPrice = Field(description="Credited per unit")


class CreditNoteIssuedPayload(Contract):
    """A credit note for returned goods QA accepted (P7.5, P6.3)."""

    credit_note_number: DocumentNumber = Field(description="CN-<order id>-<n>, n the return's")
    return_number: DocumentNumber = Field(description="The return it credits")
    lines: list[CreditedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="What is credited"
    )
    amount: Money = Field(gt=0, description="The credit note's amount")
    currency: CurrencyCode
    balance_due: Money = Field(description="What the customer still owes on the order after it")
    credit: Money = Field(description="Money received beyond what is owed, after it")
    issued_on: ContractDate = Field(description="The credit note's date")


class CreditNoteIssued(Event):
    """Finance credited returned goods: the order's balance falls by the amount (P7.5)."""

    TOPIC: ClassVar[str] = topics.CREDIT_NOTE_ISSUED
    event_type: Literal["credit_note.issued"] = Field(
        default=topics.CREDIT_NOTE_ISSUED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: CreditNoteIssuedPayload
