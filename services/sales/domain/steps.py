"""Which events open and close an order's steps, and when an open step is flagged (P8.2).

Pure: an event's type and a few of its values in, the changes to the order's steps out. A
closing event may arrive before the event that opens its step (topics are not ordered against
each other): a step closed first stays closed.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from services.sales.domain.deadlines import STEP_OWNERS, Deadlines
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
            return [StepChange("close", step, at, subject=WITH_THE_ORDER) for step in STEP_OWNERS]
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


def reason_for(step: StepName, level: FlagLevel, due_at: datetime) -> str:
    owner = STEP_OWNERS[step].replace("_", " ")
    name = step.replace("_", " ")
    when = due_at.isoformat(timespec="minutes")
    if level == "warning":
        return f"the {name} step is heading for a late finish (due {when}); {owner} to act"
    return f"the {name} step missed its deadline ({when}); {owner} to act"
