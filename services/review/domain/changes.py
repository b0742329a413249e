"""What review does with a change of an order (P7.1, P7.2, P7.4), decided without I/O.

Before confirmation a change other than a cancellation starts the review again with the new
content (P7.4): review answers `restarted`. A cancellation, and every change after
confirmation (this stop takes only decreases and cancellations there, P7.2), needs no new
review: review answers `not_needed` and only keeps the applied total for the customer's credit
exposure (P6.4)."""

from typing import Literal

ReviewAnswer = Literal["restarted", "not_needed"]


def restarts_review(before_confirmation: bool, cancel: bool) -> bool:
    """P7.4: a change before confirmation, other than a cancellation, is reviewed anew."""
    return before_confirmation and not cancel
