"""Which events open and close an order's steps, and when an open step is flagged (P8.2).

Pure: an event's type and a few of its values in, the changes to the order's steps out. A
closing event may arrive before the event that opens its step (topics are not ordered against
each other): a step closed first stays closed.

A return's steps (P7.5) are keyed by the return as well (its n in RT-<order id>-<n>): several
returns of one order run at once, each with its own four steps, and the order's closing leaves
them running (a return may be raised for a delivered, closed order).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from services.sales.domain.deadlines import STEP_OWNERS, Deadlines
from shared.contracts.bounds import MAX_RETURNS
from shared.contracts.steps import FlagLevel, StepName

ChangeKind = Literal["open", "close", "move"]


@dataclass(frozen=True)
class StepChange:
    """Open a step with its deadline, close it, or move an open step's deadline."""

    kind: ChangeKind
    step: StepName
    at: datetime
    due_at: datetime | None = None
    subject: int = 0
    """Which change a change_* step is of (its number); for the confirmation's and the
    production's step, the version an amended confirmation is of (P7.3); 0 for the order's
    own steps of version 1."""
    return_no: int = 0
    """Which return a return_* step is of (n in RT-<order id>-<n>); 0 for every other step."""

    @property
    def owner_role(self) -> str:
        return STEP_OWNERS[self.step]


@dataclass(frozen=True)
class Facts:
    """What the step rules read of an event (the adapter fills in what the event carries)."""

    event_type: str
    occurred_at: datetime
    delivery_date: date | None = None
    expected_on: date | None = None
    due_date: date | None = None
    settled: bool = False
    whole_order: bool = False
    invoice: bool = False
    change_no: int = 0
    after_confirmation: bool = False
    department: str = ""
    spent: bool = False
    answer_by: datetime | None = None
    version: int = 1
    """The order's version a confirmation, its signature or a release is of (P7.3)."""
    return_no: int = 0
    """return.stepped: n of its return number; 0 when it is no return of this order."""
    return_step: str = ""
    """return.stepped: which step of the return (requested, authorised ...)."""
    rejected: int = 0
    """return.stepped inspected: the units QA rejected (to be sent back)."""

    @property
    def of_version(self) -> int:
        """The step subject of that version: a later version's step starts the row again."""
        return 0 if self.version <= 1 else self.version


def end_of(day: date) -> datetime:
    """A deadline given as a day ends at the end of that day (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def changes_for(facts: Facts, deadlines: Deadlines) -> list[StepChange]:
    """The step changes one event causes."""
    at = facts.occurred_at
    match facts.event_type:
        case "order.placed":
            return [StepChange("open", "review", at, at + deadlines.review)]
        case "review.completed":
            return [StepChange("close", "review", at)]
        case "confirmation.issued":
            due = at + deadlines.signed_confirmation
            return [StepChange("open", "signed_confirmation", at, due, facts.of_version)]
        case "confirmation.signed":
            return [StepChange("close", "signed_confirmation", at, subject=facts.of_version)]
        case "deposit.requested":
            return [StepChange("open", "deposit", at, at + deadlines.deposit)]
        case "order.released" if facts.delivery_date is not None:
            return [
                StepChange("close", "deposit", at),
                StepChange("open", "production", at, end_of(facts.delivery_date), facts.of_version),
            ]
        case "delivery.revised" if facts.delivery_date is not None:
            return [StepChange("move", "production", at, end_of(facts.delivery_date))]
        case "goods.produced":
            return [
                StepChange("close", "production", at),
                StepChange("open", "shipment", at, at + deadlines.shipment),
            ]
        case "goods.shipped":
            opened = [StepChange("close", "shipment", at)]
            if facts.expected_on is not None:
                opened.append(StepChange("open", "delivery", at, end_of(facts.expected_on)))
            return opened
        case "goods.delivered" if facts.whole_order:
            return [StepChange("close", "delivery", at)]
        case "invoice.issued" if facts.invoice and facts.due_date is not None:
            return [StepChange("open", "payment", at, end_of(facts.due_date))]
        case "payment.received" if facts.settled:
            return [StepChange("close", "payment", at)]
        case "order.closed":
            return [StepChange("close", step, at, subject=WITH_THE_ORDER) for step in ORDER_STEPS]
        case "change.requested" if facts.after_confirmation and facts.answer_by is not None:
            return [
                StepChange("open", step, at, facts.answer_by, facts.change_no)
                for step in ACKNOWLEDGEMENTS.values()
            ]
        case "change.acknowledged" if facts.department in ACKNOWLEDGEMENTS:
            step = ACKNOWLEDGEMENTS[facts.department]
            changed = [StepChange("close", step, at, subject=facts.change_no)]
            if facts.department == "production" and facts.spent:
                due = at + deadlines.change_charge
                changed.append(StepChange("open", "change_charge", at, due, facts.change_no))
            return changed
        case "change.decided":
            return [
                StepChange("close", step, at, subject=facts.change_no)
                for step in (*ACKNOWLEDGEMENTS.values(), "change_charge")
            ]
        case "return.stepped" if facts.return_no:
            return return_changes(facts, deadlines)
    return []


WITH_THE_ORDER = 2**31 - 1
"""The subject of a step closed by `order.closed`: above every change's number, so no event
of any change (a late one included) opens it again."""

ACKNOWLEDGEMENTS: dict[str, StepName] = {
    "review": "change_ack_review",
    "production": "change_ack_production",
    "logistics": "change_ack_logistics",
    "finance": "change_ack_finance",
}
"""Each department's acknowledgement of a change after the confirmation, as a step (P7.1):
opened by change.requested, due by its answer_by, closed by the department's answer or by the
decision. Before the confirmation a change is decided at once: nothing to wait for."""

CHANGE_STEPS: tuple[StepName, ...] = (*ACKNOWLEDGEMENTS.values(), "change_charge")
"""The steps of the order's latest change; their subject is the change's number."""

RETURN_STEPS: tuple[StepName, ...] = (
    "return_authorisation",
    "return_receipt",
    "return_inspection",
    "return_send_back",
)
"""A return's steps in the order they are taken (P7.5): the sales manager authorises or
declines, the order clerk receives the goods, QA inspects them, the dispatcher sends rejected
units back."""

ORDER_STEPS: tuple[StepName, ...] = tuple(step for step in STEP_OWNERS if step not in RETURN_STEPS)
"""The steps `order.closed` closes: all but the returns'."""

RETURN_DONE: dict[str, int] = {
    "requested": 0,
    "authorised": 1,
    "declined": 1,
    "received": 2,
    "inspected": 3,
    "sent_back": 4,
}
"""How many of RETURN_STEPS a return.stepped shows taken: a later step proves the earlier ones
done, so one that arrives first (another partition, a lagging consumer) closes them, and their
own events, arriving late, find them closed."""

RETURN_WAITS_FOR: dict[str, StepName] = {
    "requested": "return_authorisation",
    "authorised": "return_receipt",
    "received": "return_inspection",
    "inspected": "return_send_back",
}
"""The step each return.stepped opens: the next one, waiting for its owner."""


def waits_for(return_step: str, rejected: int) -> StepName | None:
    """The return's step that this one leaves waiting for a person; None once the return is
    declined or sent back, or inspected with nothing rejected (nothing to send back)."""
    if return_step == "inspected" and rejected == 0:
        return None
    return RETURN_WAITS_FOR.get(return_step)


def return_changes(facts: Facts, deadlines: Deadlines) -> list[StepChange]:
    """A return's step closes every step before it that is still open and opens the next."""
    at, n = facts.occurred_at, facts.return_no
    done = RETURN_STEPS[: RETURN_DONE.get(facts.return_step, 0)]
    changed = [StepChange("close", step, at, return_no=n) for step in done]
    waiting = waits_for(facts.return_step, facts.rejected)
    if waiting is not None:
        due = at + deadlines.of_return(waiting)
        changed.append(StepChange("open", waiting, at, due, return_no=n))
    return changed


def return_no_of(return_number: str, order_id: str) -> int:
    """n of RT-<order id>-<n>; 0 when the number is not one of this order's returns (logistics
    numbers every return so: anything else has no steps to watch)."""
    prefix = f"RT-{order_id}-"
    rest = return_number[len(prefix) :] if return_number.startswith(prefix) else ""
    if not rest.isascii() or not rest.isdigit() or rest.startswith("0"):
        return 0
    n = int(rest)
    return n if n <= MAX_RETURNS else 0


def warning_at(opened_at: datetime, due_at: datetime, deadlines: Deadlines) -> datetime:
    """When an open step is flagged as heading for a late finish: after the warning share of
    the time it has (at once if it opened already late)."""
    if due_at <= opened_at:
        return due_at
    share = float(deadlines.warning_share)
    return opened_at + (due_at - opened_at) * share


def flag_due(
    flagged: FlagLevel | None, warn_at: datetime, due_at: datetime, now: datetime
) -> FlagLevel | None:
    """The flag an open step is owed now, if it has not had it yet; each level once."""
    if now >= due_at and flagged != "overdue":
        return "overdue"
    if now >= warn_at and flagged is None:
        return "warning"
    return None


def reason_for(
    step: StepName, level: FlagLevel, due_at: datetime, subject: str | None = None
) -> str:
    """What is late, for the owner: the step, the change or return it is of, and when it is
    due."""
    owner = STEP_OWNERS[step].replace("_", " ")
    name = step.replace("_", " ") + " step" + ("" if subject is None else f" of {subject}")
    when = due_at.isoformat(timespec="minutes")
    if level == "warning":
        return f"the {name} is heading for a late finish (due {when}); {owner} to act"
    return f"the {name} missed its deadline ({when}); {owner} to act"
