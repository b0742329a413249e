"""Who decides a review, and how. For now the decision is automatic; the full review (terms,
authority, feasibility: P2.1-P2.4, P8.1) replaces the policy, not the model."""

from typing import Protocol

from services.review.domain.model import Decision, Review


class ReviewPolicy(Protocol):
    def decide(self, review: Review) -> Decision:
        """The verdict on a received review."""
        ...


class AutomaticApproval:
    """Approves every order for the date the customer asked for: no exceptions were found, so
    the company's delivery date is the requested one (P2.5)."""

    def decide(self, review: Review) -> Decision:
        return Decision.approve(review.requested_delivery_date)


AUTOMATIC_APPROVAL = AutomaticApproval()
