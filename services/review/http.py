"""Review's HTTP API: approvals by authority, engineering's and QA's own feasibility answers,
the outcome of a negotiation, and the state of a review (P2.2, P2.3, P2.4, P2.5, P2.6, P8.1).

Every request is authenticated; whether the actor may decide is the domain's call. A refused
decision changes nothing and is answered 403 (beyond authority) or 409 (not now), and logged.
"""

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Self

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncConnection

from services.review import handlers
from services.review.domain.master import ApprovalAuthority
from services.review.domain.model import (
    Answer,
    AnswerSource,
    ApprovalDecision,
    ApprovalStep,
    Negotiation,
    NegotiationStatus,
    Outcome,
    OverrideFeasibility,
    RecordNegotiationOutcome,
    Review,
    ReviewStatus,
    Round,
    SignApproval,
)
from services.review.domain.rules import Assessment, Department, Verdict
from shared.contracts import Event, process
from shared.contracts.bounds import ContractDate, Reason
from shared.decisions import Person, Signature
from shared.http.auth import Actor
from shared.runtime import ServiceContext


class Body(BaseModel):
    """A decision's body: a field it does not know (a typo) is refused, never ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ApprovalBody(Body):
    """A person's approval or rejection (P2.2, P2.3)."""

    decision: Literal["approve", "reject"] = Field(description="Approve or reject the order")
    note: Reason = Field(default="", description="Remark; for a rejection, the recorded reason")
    contract_stamped: bool = Field(
        default=False,
        description="The contract carries the stamp (P2.2), as the approver checked it; never "
        "assumed",
    )


class FeasibilityBody(Body):
    """Engineering's or QA's own answer, instead of the one computed from product data."""

    verdict: process.Verdict = Field(description="feasible, feasible from a later date, or not")
    available_from: ContractDate | None = Field(
        default=None, description="From when it is feasible; required for 'later'"
    )
    reason: Reason = Field(default="", description="Why, in words")

    @model_validator(mode="after")
    def later_needs_a_date(self) -> Self:
        if self.verdict == "later" and self.available_from is None:
            raise ValueError("a 'later' answer needs available_from")
        return self


class NegotiationBody(Body):
    """What the general manager agreed with the customer (P2.6)."""

    outcome: Literal["accepted", "declined"] = Field(description="Agreed on a date, or not")
    agreed_date: ContractDate | None = Field(
        default=None, description="The agreed date, if accepted"
    )
    reason: Reason = Field(default="", description="Why, if declined")

    @model_validator(mode="after")
    def complete(self) -> Self:
        if self.outcome == "accepted" and self.agreed_date is None:
            raise ValueError("an accepted negotiation needs agreed_date")
        if self.outcome == "declined" and not self.reason.strip():
            raise ValueError("a declined order needs a reason (P2.6)")
        return self


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class ApprovalView(View):
    step: str = Field(description="The role whose approval is required")
    status: Literal["pending", "approved", "rejected"]
    user: str | None = Field(description="Who signed it")
    role: str | None = Field(description="In which role")
    at: datetime | None = Field(description="When")
    note: str
    contract_stamped: bool | None = Field(description="Stamp recorded with the signature (P2.2)")


class AnswerView(View):
    verdict: Verdict
    available_from: date | None
    reason: str
    source: AnswerSource = Field(
        description="computed by review from product data, assessed by production, or "
        "given by a person of the department"
    )
    user: str | None = Field(description="The person, for an override")
    role: str | None
    at: datetime = Field(description="When the answer was recorded")


class NegotiationView(View):
    status: NegotiationStatus
    opened_at: datetime
    proposed_delivery_date: date | None
    reasons: list[str]
    agreed_delivery_date: date | None
    reason: str
    user: str | None = Field(description="The general manager who recorded the outcome")
    role: str | None
    at: datetime | None


class RoundView(View):
    """A round a change before confirmation ended (P7.4): what it reviewed and its answers."""

    version: int = Field(description="The order's version this round reviewed")
    status: ReviewStatus = Field(description="Where the round stood when the change came")
    total_amount: Decimal
    requested_delivery_date: date
    approvals: list[ApprovalView]
    feasibility: dict[str, AnswerView | None]
    confirmed_delivery_date: date | None
    decline_reason: str
    ended_at: datetime

    @classmethod
    def of(cls, round_: Round) -> "RoundView":
        return cls(
            version=round_.version,
            status=round_.status,
            total_amount=round_.total_amount,
            requested_delivery_date=round_.requested_delivery_date,
            approvals=[_approval(step) for step in round_.approvals],
            feasibility={
                department.value: _answer(round_.answers.get(department))
                for department in Department
            },
            confirmed_delivery_date=round_.confirmed_delivery_date,
            decline_reason=round_.decline_reason,
            ended_at=round_.ended_at,
        )


class ReviewView(View):
    """The state of a review: what was checked, who signed what when, the departments'
    answers, the negotiation and the verdict."""

    order_id: str
    status: ReviewStatus
    version: int = Field(description="The order's version the current round reviews (P7.4)")
    customer_id: str
    currency: str
    total_amount: Decimal
    requested_delivery_date: date
    payment_terms: str | None = Field(description="As asked for; null: the customer's default")
    received_at: datetime
    deadline: datetime
    escalated: bool
    escalated_at: datetime | None
    waiting_for: list[str] = Field(description="Steps still open")
    missing_master_data: list[str]
    findings: list[str] = Field(description="Findings of the terms check (P2.1)")
    general_manager_reasons: list[str] = Field(description="Why the general manager must approve")
    required_approvals: list[str]
    approvals: list[ApprovalView]
    feasibility: dict[str, AnswerView | None] = Field(
        description="The four departments' answers; null: not in yet (P2.4)"
    )
    feasibility_status: Literal["pending", "settled", "negotiating"]
    feasible_delivery_date: date | None
    negotiation: NegotiationView | None
    confirmed_delivery_date: date | None
    delivery_date: date | None = Field(
        description="The order's current delivery date: the confirmed one, moved by a late "
        "signature (P3.4), fixed by the release (P3.5)"
    )
    delivery_date_final: bool = Field(description="The release fixed the delivery date")
    entered_by: str | None = Field(
        description="Who entered the order at the sales desk; they may not approve it (P8.1)"
    )
    confirmed_at: datetime | None = Field(description="When sales confirmed the order")
    decline_reason: str
    outcome: Outcome | None
    rounds: list[RoundView] = Field(
        description="Earlier rounds, each ended by a change before confirmation (P7.4)"
    )

    @classmethod
    def of(cls, review: Review) -> "ReviewView":
        return cls(
            order_id=review.order_id,
            status=review.status,
            version=review.version,
            customer_id=review.customer_id,
            currency=review.currency,
            total_amount=review.total_amount,
            requested_delivery_date=review.requested_delivery_date,
            payment_terms=review.payment_terms,
            received_at=review.received_at,
            deadline=review.deadline,
            escalated=review.escalated,
            escalated_at=review.escalated_at,
            waiting_for=list(review.waiting_for()),
            missing_master_data=list(review.missing_master_data),
            findings=list(review.findings),
            general_manager_reasons=list(review.general_manager_reasons),
            required_approvals=[step.role for step in review.approvals],
            approvals=[_approval(step) for step in review.approvals],
            feasibility={
                department.value: _answer(review.answers.get(department))
                for department in Department
            },
            feasibility_status=_feasibility_status(review),
            feasible_delivery_date=review.feasible_delivery_date,
            negotiation=_negotiation(review.negotiation),
            confirmed_delivery_date=review.confirmed_delivery_date,
            delivery_date=review.delivery_date,
            delivery_date_final=review.delivery_date_final,
            entered_by=review.entered_by,
            confirmed_at=review.confirmed_at,
            decline_reason=review.decline_reason,
            outcome=review.outcome,
            rounds=[RoundView.of(round_) for round_ in review.rounds],
        )


def _who(signature: Signature | None) -> dict[str, str | datetime | None]:
    if signature is None:
        return {"user": None, "role": None, "at": None}
    return {"user": signature.user, "role": signature.role, "at": signature.at}


def _approval(step: ApprovalStep) -> ApprovalView:
    status: Literal["pending", "approved", "rejected"] = (
        "pending"
        if step.decision is None
        else "approved"
        if step.decision is ApprovalDecision.APPROVE
        else "rejected"
    )
    return ApprovalView.model_validate(
        {
            "step": step.role,
            "status": status,
            **_who(step.signature),
            "note": step.note,
            "contract_stamped": step.contract_stamped,
        }
    )


def _answer(answer: Answer | None) -> AnswerView | None:
    if answer is None:
        return None
    who = _who(answer.signature)
    return AnswerView.model_validate(
        {
            "verdict": answer.verdict,
            "available_from": answer.available_from,
            "reason": answer.reason,
            "source": answer.source,
            "user": who["user"],
            "role": who["role"],
            "at": answer.at,
        }
    )


def _negotiation(negotiation: Negotiation | None) -> NegotiationView | None:
    if negotiation is None:
        return None
    return NegotiationView.model_validate(
        {
            "status": negotiation.status,
            "opened_at": negotiation.opened_at,
            "proposed_delivery_date": negotiation.proposed_delivery_date,
            "reasons": list(negotiation.reasons),
            "agreed_delivery_date": negotiation.agreed_delivery_date,
            "reason": negotiation.reason,
            **_who(negotiation.signature),
        }
    )


def _feasibility_status(review: Review) -> Literal["pending", "settled", "negotiating"]:
    if review.feasible_delivery_date is not None:
        return "settled"
    if review.status is ReviewStatus.NEGOTIATING:
        return "negotiating"
    return "pending"


Decide = Callable[[AsyncConnection, datetime], Awaitable[tuple[Review, list[Event]]]]


def router(context: ServiceContext, authority: ApprovalAuthority) -> APIRouter:
    """The API; approvals are checked against `authority` (P2.3, P8.1)."""
    api = APIRouter(tags=["review"])
    current_actor = Depends(context.current_actor)

    async def decide(decision: Decide) -> ReviewView:
        """Run a person's decision as one unit of work; a refusal rolls everything back."""
        review = await context.unit_of_work.decide(
            lambda connection: decision(connection, context.clock.now())
        )
        return ReviewView.of(review)

    @api.get("/reviews/{order_id}", response_model=ReviewView)
    async def show_review(order_id: str, actor: Actor = current_actor) -> ReviewView:
        """The state of a review (P7.6); anyone signed in may look."""
        async with context.unit_of_work.read() as connection:
            return ReviewView.of(await handlers.read_review(connection, order_id))

    @api.post("/reviews/{order_id}/approvals", response_model=ReviewView)
    async def sign_approval(
        order_id: str, body: ApprovalBody, actor: Actor = current_actor
    ) -> ReviewView:
        """Approve or reject (P2.2, P2.3, P8.1): the sales manager signs the sales manager's
        step, the general manager the general manager's; anyone else is refused."""
        command = SignApproval(
            person=Person(actor.user, actor.role),
            decision=ApprovalDecision(body.decision),
            note=body.note,
            contract_stamped=body.contract_stamped,
        )
        return await decide(
            lambda connection, now: handlers.sign_approval(
                connection, order_id, command, authority, now
            )
        )

    @api.post("/reviews/{order_id}/feasibility/{department}", response_model=ReviewView)
    async def override_feasibility(
        order_id: str,
        department: Literal["engineering", "qa"],
        body: FeasibilityBody,
        actor: Actor = current_actor,
    ) -> ReviewView:
        """Engineering's or QA's own answer (P2.4); only a person of that role may give it."""
        command = OverrideFeasibility(
            person=Person(actor.user, actor.role),
            department=Department(department),
            assessment=Assessment(
                verdict=Verdict(body.verdict),
                reason=body.reason,
                available_from=body.available_from,
            ),
        )
        return await decide(
            lambda connection, now: handlers.override_feasibility(
                connection, order_id, command, now
            )
        )

    @api.post("/reviews/{order_id}/negotiation", response_model=ReviewView)
    async def record_negotiation(
        order_id: str, body: NegotiationBody, actor: Actor = current_actor
    ) -> ReviewView:
        """The general manager records the agreed date or declines the order (P2.6)."""
        command = RecordNegotiationOutcome(
            person=Person(actor.user, actor.role),
            accepted=body.outcome == "accepted",
            agreed_date=body.agreed_date,
            reason=body.reason.strip(),
        )
        return await decide(
            lambda connection, now: handlers.record_negotiation_outcome(
                connection, order_id, command, now
            )
        )

    return api
