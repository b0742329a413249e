"""Replacement orders for returned goods (P7.5), decided without I/O.

A return whose remedy is a replacement, once QA has inspected it, becomes a new order of the
units QA accepted, at no charge: submitter `returns`, customer reference the return number (so
the same return seen again is the same order, P1.6), the customer, address and contact of the
original order, and the person who authorised the return. It goes through review, production
and shipment like any order; it owes nothing, so it needs no deposit or signature before its
release, and it is settled from the start.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.sales.domain.commands import VERBAL_CHANNELS, Decider, Line, PlaceOrder

REPLACEMENTS = "returns"
"""The submitter of every replacement order."""
REPLACEMENT_LEAD = timedelta(days=28)
"""The delivery date a replacement asks for, from the day QA inspected the return; review
and production say what they can meet, as for any order."""
FREE = Decimal("0.00")


@dataclass(frozen=True)
class Replacement:
    """What a replacement order replaces: the original order, the return, who authorised it."""

    order_id: str
    return_number: str
    authorised: Decider


def replacement_order(
    *,
    return_number: str,
    customer_id: str,
    channel: str,
    currency: str,
    accepted: dict[str, int],
    delivery_address: dict[str, object] | None,
    contact: dict[str, object],
    inspected_on: date,
) -> PlaceOrder | None:
    """The new order for the units QA accepted, per product, at no charge; None when QA
    accepted none."""
    kept = sorted((code, units) for code, units in accepted.items() if units > 0)
    lines = tuple(
        Line(number, code, units, FREE) for number, (code, units) in enumerate(kept, start=1)
    )
    if not lines:
        return None
    return PlaceOrder(
        submitter=REPLACEMENTS,
        customer_reference=return_number,
        customer_id=customer_id,
        channel="email" if channel in VERBAL_CHANNELS else channel,  # written: the return
        currency=currency,
        lines=lines,
        stated_total=FREE,
        requested_delivery_date=inspected_on + REPLACEMENT_LEAD,
        delivery_address=delivery_address,
        contact=contact,
    )
