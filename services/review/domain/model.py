"""The review of one order: received, decided (approved or declined), closed (P2)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class ReviewStatus(StrEnum):
    RECEIVED = "received"
    APPROVED = "approved"
    DECLINED = "declined"
    CLOSED = "closed"


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"


@dataclass(frozen=True)
class ReviewOrder:
    """Command: review a placed order (P2.1-P2.4)."""

    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    requested_delivery_date: date


@dataclass(frozen=True)
class Decision:
    """A review's verdict: approved with the date the company commits to (P2.5), or declined
    with the reason recorded in the register (P2.6)."""

    approved: bool
    confirmed_delivery_date: date | None
    reason: str = ""

    @classmethod
    def approve(cls, confirmed_delivery_date: date) -> "Decision":
        return cls(approved=True, confirmed_delivery_date=confirmed_delivery_date)

    @classmethod
    def decline(cls, reason: str) -> "Decision":
        if not reason:
            raise ValueError("a declined order needs a recorded reason (P2.6)")
        return cls(approved=False, confirmed_delivery_date=None, reason=reason)


@dataclass(frozen=True)
class ReviewWasCompleted:
    order_id: str
    decision: Decision


DomainEvent = ReviewWasCompleted


class ReviewAlreadyDecided(Exception):
    """A review is decided once; a second verdict is a programming error."""


@dataclass
class Review:
    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    requested_delivery_date: date
    status: ReviewStatus = ReviewStatus.RECEIVED
    confirmed_delivery_date: date | None = None
    decline_reason: str = ""
    outcome: Outcome | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def receive(cls, command: ReviewOrder) -> "Review":
        """Every placed order is reviewed (P2.3: every order needs approval)."""
        return cls(
            order_id=command.order_id,
            customer_id=command.customer_id,
            currency=command.currency,
            total_amount=command.total_amount,
            requested_delivery_date=command.requested_delivery_date,
        )

    def complete(self, decision: Decision) -> None:
        """Record the verdict and announce it (P2.5, P2.6)."""
        if self.status is not ReviewStatus.RECEIVED:
            raise ReviewAlreadyDecided(f"review of {self.order_id} is already {self.status}")
        if decision.approved:
            self.status = ReviewStatus.APPROVED
            self.confirmed_delivery_date = decision.confirmed_delivery_date
        else:
            self.status = ReviewStatus.DECLINED
            self.decline_reason = decision.reason
        self.events.append(ReviewWasCompleted(self.order_id, decision))

    def close(self, outcome: Outcome) -> None:
        """File the review with the order's final outcome (P7.6); closing twice changes nothing."""
        if self.status is ReviewStatus.CLOSED:
            return
        self.status = ReviewStatus.CLOSED
        self.outcome = outcome
