"""What review does with a change of an order (P7.1, P7.2, P7.3, P7.4), decided without I/O.

Before confirmation a change other than a cancellation starts the review again with the new
content (P7.4): review answers `restarted`. After confirmation an increase, a new date or a
changed requirement is reviewed again in a new round on the new content, opened at the
request (P7.3): review answers `reopened`, and its verdict decides the change. A decrease or a
cancellation needs no new review (P7.2): review answers `not_needed` and only keeps the
applied total for the customer's credit exposure (P6.4)."""

from typing import Literal

ReviewAnswer = Literal["restarted", "reopened", "not_needed"]


def restarts_review(before_confirmation: bool, cancel: bool) -> bool:
    """P7.4: a change before confirmation, other than a cancellation, is reviewed anew."""
    return before_confirmation and not cancel


def answer_to(before_confirmation: bool, cancel: bool, needs_review: bool) -> ReviewAnswer:
    """Review's answer to a change of an open or confirmed order (P7.2, P7.3, P7.4)."""
    if restarts_review(before_confirmation, cancel):
        return "restarted"
    if not before_confirmation and needs_review:
        return "reopened"
    return "not_needed"
