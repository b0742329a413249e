"""Events of intake, review, confirmation and release (P1-P3), version 1."""

from typing import ClassVar, Literal

from pydantic import Field

from shared.contracts import topics
from shared.contracts.bounds import (
    MAX_LINES,
    MAX_PROBLEMS,
    MAX_REASONS,
    ContractDate,
    CustomerId,
    DaysLate,
    DocumentPath,
    IsoMomentText,
    OrderVersion,
    Reason,
    Reference,
    ShortText,
)
from shared.contracts.common import Contract, CurrencyCode, Money, Problem, Signed
from shared.contracts.envelope import Event
from shared.contracts.events import ProducedLine

Verdict = Literal["feasible", "later", "not_feasible"]


class OrderHeldPayload(Contract):
    """Why a registered order cannot proceed yet (P1.1, P1.3)."""

    customer_reference: Reference = Field(description="The customer's own order reference")
    reasons: list[Problem] = Field(
        min_length=1, max_length=MAX_PROBLEMS, description="Every defect or missing step"
    )


class OrderHeld(Event):
    """The order is registered but waits: defects to clarify with the customer, or a verbal
    order waiting for its written confirmation. A corrected version releases it."""

    TOPIC: ClassVar[str] = topics.ORDER_HELD
    event_type: Literal["order.held"] = Field(
        default=topics.ORDER_HELD, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: OrderHeldPayload


class FeasibilityRequestedPayload(Contract):
    """What production and purchasing are asked to assess (P2.4)."""

    customer_id: CustomerId = Field(description="Customer number")
    requested_delivery_date: ContractDate = Field(description="Date the goods should be ready")
    lines: list[ProducedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Products and quantities"
    )
    rush: bool = Field(default=False, description="Marked urgent (P4.6)")
    version: OrderVersion = Field(
        default=1, description="The order's version this was made from (1: as placed; P7.4)"
    )


class FeasibilityRequested(Event):
    """Review asks production and purchasing whether the order can be made by its date."""

    TOPIC: ClassVar[str] = topics.FEASIBILITY_REQUESTED
    event_type: Literal["feasibility.requested"] = Field(
        default=topics.FEASIBILITY_REQUESTED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: FeasibilityRequestedPayload


class DepartmentAnswer(Contract):
    """One department's feasibility answer (P2.4)."""

    verdict: Verdict = Field(description="feasible, feasible from a later date, or not feasible")
    available_from: ContractDate | None = Field(
        default=None, description="Earliest date the department can meet, when verdict is later"
    )
    reason: Reason = Field(default="", description="Why, in words for the review meeting")


class FeasibilityAssessedPayload(Contract):
    """Production's and purchasing's answers, computed from production's own data."""

    production: DepartmentAnswer = Field(description="Capacity in the requested week")
    purchasing: DepartmentAnswer = Field(description="Materials in stock or obtainable in time")
    version: OrderVersion = Field(
        default=1, description="The order's version this was made from (1: as placed; P7.4)"
    )


class FeasibilityAssessed(Event):
    """Production answers a feasibility request for production and purchasing (P2.4)."""

    TOPIC: ClassVar[str] = topics.FEASIBILITY_ASSESSED
    event_type: Literal["feasibility.assessed"] = Field(
        default=topics.FEASIBILITY_ASSESSED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: FeasibilityAssessedPayload


class NegotiationOpenedPayload(Contract):
    """The date the company can offer instead (P2.6)."""

    requested_delivery_date: ContractDate = Field(description="Date the customer asked for")
    proposed_delivery_date: ContractDate | None = Field(
        description="Earliest date all departments can meet; null when a department said no"
    )
    reasons: list[Reason] = Field(max_length=MAX_REASONS, description="Each department's reason")


class NegotiationOpened(Event):
    """Not every department can meet the date: sales negotiates with the customer (P2.6)."""

    TOPIC: ClassVar[str] = topics.NEGOTIATION_OPENED
    event_type: Literal["negotiation.opened"] = Field(
        default=topics.NEGOTIATION_OPENED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: NegotiationOpenedPayload


class ReviewEscalatedPayload(Contract):
    """An overdue review (P2.4, P8.2)."""

    received_at: IsoMomentText = Field(description="When review received the order (ISO 8601)")
    deadline: IsoMomentText = Field(description="When the review should have finished (ISO 8601)")
    waiting_for: list[ShortText] = Field(
        max_length=MAX_REASONS, description="Steps still open: approvals, departments"
    )


class ReviewEscalated(Event):
    """The review did not finish within 2 days of receipt; management must step in."""

    TOPIC: ClassVar[str] = topics.REVIEW_ESCALATED
    event_type: Literal["review.escalated"] = Field(
        default=topics.REVIEW_ESCALATED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ReviewEscalatedPayload


class ConfirmationIssuedPayload(Contract):
    """The order confirmation sent to the customer (P3.1)."""

    customer_id: CustomerId = Field(description="Customer number")
    tier: Literal["A", "B", "C"] = Field(description="Customer tier at confirmation")
    confirmed_delivery_date: ContractDate = Field(description="Date the goods will be ready (P3.5)")
    sent_on: ContractDate = Field(description="Day the confirmation went to the customer")
    total_amount: Money = Field(description="Order total")
    currency: CurrencyCode
    deposit_amount: Money = Field(description="Deposit required before production (0: none)")
    document_path: DocumentPath = Field(
        description="Path of the readable document on the sales API"
    )
    version: OrderVersion = Field(
        default=1, description="The order's version confirmed (above 1: amended; P7.3)"
    )


class ConfirmationIssued(Event):
    """Sales sent the order confirmation; the customer is to sign and return it (P3.1)."""

    TOPIC: ClassVar[str] = topics.CONFIRMATION_ISSUED
    event_type: Literal["confirmation.issued"] = Field(
        default=topics.CONFIRMATION_ISSUED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ConfirmationIssuedPayload


class ConfirmationSignedPayload(Contract):
    """The signed confirmation is back (P3.1, P3.4)."""

    received_on: ContractDate = Field(description="Day the signed confirmation came back")
    days_late: DaysLate = Field(description="Days after the day it was sent")
    expected_delivery_date: ContractDate = Field(description="Delivery date after the delay (P3.4)")
    version: OrderVersion = Field(
        default=1, description="The version of the confirmation signed (P7.3)"
    )


class ConfirmationSigned(Event):
    """The customer returned the signed confirmation; a late one moves the date (P3.4)."""

    TOPIC: ClassVar[str] = topics.CONFIRMATION_SIGNED
    event_type: Literal["confirmation.signed"] = Field(
        default=topics.CONFIRMATION_SIGNED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ConfirmationSignedPayload


class DepositRequestedPayload(Contract):
    """The deposit a B or C customer pays before production (P3.3, P6.1)."""

    customer_id: CustomerId = Field(description="Customer number")
    amount: Money = Field(
        gt=0, description="Deposit still to pay: the deposit less money already received"
    )
    currency: CurrencyCode


class DepositRequested(Event):
    """Finance asked the customer for the deposit."""

    TOPIC: ClassVar[str] = topics.DEPOSIT_REQUESTED
    event_type: Literal["deposit.requested"] = Field(
        default=topics.DEPOSIT_REQUESTED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: DepositRequestedPayload


class OrderReleasedPayload(Contract):
    """What production is released to make (P3.2, P3.3)."""

    delivery_date: ContractDate = Field(description="Date the finished goods must be ready (P3.5)")
    lines: list[ProducedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Products and quantities"
    )
    gate: Literal["a_tier_before_signature", "signed_and_deposit", "signed", "replacement"] = Field(
        description="Which gate released it: A-tier (P3.2), signed confirmation and deposit "
        "where one is required (P3.3), or a replacement of returned goods, at no charge "
        "and released on approval (P7.5)"
    )
    version: OrderVersion = Field(
        default=1,
        description="The order's version released: above 1, the lines of an amended "
        "confirmation, whose extra quantity is released with it (P7.3)",
    )


class OrderReleased(Event):
    """The single, explicit release for production; production never starts without it."""

    TOPIC: ClassVar[str] = topics.ORDER_RELEASED
    event_type: Literal["order.released"] = Field(
        default=topics.ORDER_RELEASED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: OrderReleasedPayload


class DeliveryRevisedPayload(Contract):
    """A new delivery date agreed with the customer after a delay (P4.10)."""

    delivery_date: ContractDate = Field(description="The agreed date; every service uses it")
    previous_delivery_date: ContractDate = Field(description="The date it replaces")
    reason: Reason = Field(description="What was agreed, in words")
    agreed: Signed = Field(description="Who recorded the agreement")


class DeliveryRevised(Event):
    """Sales agreed a new delivery date with the customer (P4.10)."""

    TOPIC: ClassVar[str] = topics.DELIVERY_REVISED
    event_type: Literal["delivery.revised"] = Field(
        default=topics.DELIVERY_REVISED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: DeliveryRevisedPayload
