"""The work queue (P8.2): every escalation on the bus becomes an item in front of the role
that must act, until the event that settles it arrives or a person marks it done. Pure."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.sales.domain.deadlines import STEP_OWNERS
from services.sales.domain.steps import RETURN_WAITS_FOR, waits_for

COLLECTION_OWNERS: Mapping[str, str] = {
    "reminder": "customer_service",
    "follow_up": "sales_rep",
    "sales_manager": "sales_manager",
    "general_manager": "general_manager",
}
"""Who acts on each step of chasing an overdue invoice (P6.3)."""

FIXED_OWNERS: Mapping[str, str] = {
    "order.held": "customer_service",
    "review.escalated": "sales_manager",
    "negotiation.opened": "sales_rep",
    "order.delayed": "sales_rep",
    "shipment.escalated": "general_manager",
    "balance.due": "customer_service",
    "shipment.cancelled": "customer_service",
}
"""Escalations whose owner does not depend on their payload."""

SETTLED_BY: Mapping[str, tuple[str, ...]] = {
    "order.placed": ("order.held",),
    "review.completed": ("review.escalated", "negotiation.opened", "order.held"),
    "delivery.revised": ("order.delayed",),
    "shipment.released": ("shipment.escalated",),
    "goods.delivered": ("delivery.late",),
    "change.decided": ("change.acknowledged",),
    "return.stepped": ("return.stepped",),
    "shipment.requested": ("shipment.cancelled",),
}
"""The kinds of item on the same order that an event settles; an event about one change or
return (its subject) settles only the items of that change or return."""

SETTLED_WHEN_PAID: tuple[str, ...] = ("collection.stepped", "balance.due")
RETURN_STEP_OWNERS: Mapping[str, str] = {
    step: STEP_OWNERS[waiting] for step, waiting in RETURN_WAITS_FOR.items()
}
"""Who takes a return's next step after each (P7.5), the owner of the step it opens: the sales
manager authorises or declines, the order clerk receives, QA inspects, the dispatcher sends
rejected units back."""

ALL_KINDS: tuple[str, ...] = (
    *FIXED_OWNERS,
    "change.acknowledged",
    "return.stepped",
    "delivery.late",
    "collection.stepped",
    "step.flagged",
)


@dataclass(frozen=True)
class Escalation:
    """What the work queue reads of an escalation event."""

    event_type: str
    owner_hint: str | None = None
    """delivery.late: the first role it notifies; collection.stepped: its step;
    step.flagged: the step's owner; change.acknowledged: who acts on the answer."""


def owner_of(escalation: Escalation) -> str | None:
    """The role an escalation puts work in front of; None: it is not work (a cleared step)."""
    if escalation.event_type in FIXED_OWNERS:
        return FIXED_OWNERS[escalation.event_type]
    if escalation.event_type == "collection.stepped":
        return COLLECTION_OWNERS.get(escalation.owner_hint or "")
    if escalation.event_type in ("delivery.late", "step.flagged"):
        return escalation.owner_hint or "customer_service"
    if escalation.event_type in ("change.acknowledged", "return.stepped"):
        return escalation.owner_hint  # None: nobody needs to act on it
    return None


def return_step_owner(step: str, rejected_units: int) -> str | None:
    """Who takes a return's next step (P7.5); None once it is declined, credited or sent back
    (an inspection with nothing rejected leaves nothing to send back)."""
    if waits_for(step, rejected_units) is None:
        return None
    return RETURN_STEP_OWNERS.get(step)


def outlives_the_order(detail: str | None) -> bool:
    """An item about a return (its next step, a flag of one of its steps) stays open when the
    order closes: a return is raised for delivered goods, also of a closed order, and goes on
    until its own last step (P7.5)."""
    return detail is not None and detail.startswith("RT-")


def acknowledgement_owner(refused: bool, spent: bool) -> str | None:
    """A department's answer to a change that needs a person (P7.1, P7.2): a refusal is the
    sales rep's to tell the customer, a cost report the sales manager's to charge for."""
    if refused:
        return "sales_rep"
    if spent:
        return "sales_manager"
    return None


def settled_kinds(event_type: str, *, paid: bool = False, closed: bool = False) -> Sequence[str]:
    """The kinds of open item on the order that this event settles (closed: every kind, but
    not the items that outlive the order)."""
    if closed:
        return ALL_KINDS
    kinds = list(SETTLED_BY.get(event_type, ()))
    if paid:
        kinds.extend(SETTLED_WHEN_PAID)
    return kinds
