"""Step deadlines (P8.2), version 1: sales watches every order's steps on the bus and flags one
heading for a late finish before its deadline, and again at it. Keyed by the order id; a step
of a change or of a return names it (`subject`)."""

from typing import ClassVar, Literal

from pydantic import Field

from shared.contracts import topics
from shared.contracts.bounds import ContractMoment, DocumentNumber, Reason, UserName
from shared.contracts.common import Contract
from shared.contracts.envelope import Event

StepName = Literal[
    "review",
    "signed_confirmation",
    "deposit",
    "production",
    "shipment",
    "delivery",
    "payment",
    "change_ack_review",
    "change_ack_production",
    "change_ack_logistics",
    "change_ack_finance",
    "change_charge",
    "return_authorisation",
    "return_receipt",
    "return_inspection",
    "return_send_back",
]
"""The steps of an order that have an owner and a deadline (docs/history-and-deadlines.md);
the change_* steps are those of the order's latest change (P7.1, P7.2, P8.2), the return_*
steps those of each of its returns (P7.5, P8.2)."""

FlagLevel = Literal["warning", "overdue"]
"""warning: the step has used its warning share of the time it has; overdue: its deadline
passed and it is still open."""


class StepFlaggedPayload(Contract):
    """A step of the order that is heading for, or past, its deadline."""

    step: StepName = Field(description="Which step")
    level: FlagLevel = Field(description="warning: before the deadline; overdue: after it")
    owner_role: UserName = Field(description="The role that owns the step and must act")
    opened_at: ContractMoment = Field(description="When the step began")
    due_at: ContractMoment = Field(description="Its deadline")
    reason: Reason = Field(description="What is late, in words a person can act on")
    subject: DocumentNumber | None = Field(
        default=None,
        description="The change (CR-<order id>-<n>) or return (RT-<order id>-<n>) the step is "
        "of; null for the order's own steps",
    )


class StepFlagged(Event):
    """A step of the order is about to miss its deadline, or has missed it (P8.2)."""

    TOPIC: ClassVar[str] = topics.STEP_FLAGGED
    event_type: Literal["step.flagged"] = Field(
        default=topics.STEP_FLAGGED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: StepFlaggedPayload
