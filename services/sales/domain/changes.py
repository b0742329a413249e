"""A customer's change or cancellation of a placed order, as sales keeps it (P7.1, P7.2, P7.3,
P7.4).

Sales records the change, numbers it (change n makes version n of the order) and publishes it
to every department at once. Before confirmation it is applied at once and the review starts
again with the new content (P7.4). After confirmation a decrease or a cancellation needs no new
review (P7.2): sales waits for production's and logistics' answers; a refusal refuses it,
something already spent waits for the sales manager's charge, otherwise it is applied by rule.
More units or a new date after confirmation is reviewed again (P7.3): the change waits for
production's and logistics' answers and for the new round's verdict; approved, it is applied
with an amended confirmation, declined, it is refused and the order goes on as confirmed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from services.sales.domain.commands import Decider, Line
from shared.contracts.bounds import MAX_VERSIONS
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow

CHANGE_ROLES = frozenset({"sales_rep", "customer_service", "sales_manager", "general_manager"})
"""Who records a customer's change or its withdrawal (P7.1, P8.1)."""
CHARGE_ROLES = frozenset({"sales_manager", "general_manager"})
"""Who decides what a customer pays for what was already spent (P7.2, P8.1)."""
DECIDING_DEPARTMENTS = ("production", "logistics")
"""The departments whose answers a change without a new review waits for: only they can
refuse one or report a cost. Review's and finance's answers are kept all the same."""
ACK_TIME = timedelta(days=1)
"""How long the departments have to answer a change (P8.2)."""


class ChangeStatus(StrEnum):
    ACKNOWLEDGING = "acknowledging"
    IN_REVIEW = "in_review"
    """Reviewed again (P7.3): waits for the departments' answers and the round's verdict."""
    AWAITING_CHARGE = "awaiting_charge"
    APPLIED = "applied"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


OPEN = frozenset({ChangeStatus.ACKNOWLEDGING, ChangeStatus.IN_REVIEW, ChangeStatus.AWAITING_CHARGE})


@dataclass(frozen=True)
class Answer:
    """One department's acknowledgement, as sales needs it."""

    department: str
    accepted: bool
    reason: str
    spent: bool
    event_id: str


@dataclass
class Change:
    """Change n of an order: what the customer asked for and where it stands."""

    order_id: str
    change_no: int
    based_on: int
    kinds: tuple[str, ...]
    stage: str
    lines: tuple[Line, ...]
    previous_total: Decimal
    requested_delivery_date: date
    reason: str
    via: str
    requested: Decider | None
    requested_at: datetime
    status: ChangeStatus = ChangeStatus.ACKNOWLEDGING
    requirements: str = ""
    """The product requirements in words this change makes the order's ("": none, P7.3)."""
    answers: dict[str, Answer] = field(default_factory=dict)
    charge: Decimal | None = None
    charge_reason: str = ""
    decided: Decider | None = None
    outcome_reason: str = ""
    refused_by: str | None = None
    verdict: str = ""
    """The new round's verdict of a change reviewed again (P7.3): approved, declined or ""."""
    confirmed_delivery_date: date | None = None
    """The date the approved round confirmed (P7.3)."""

    @property
    def number(self) -> str:
        return f"CR-{self.order_id}-{self.change_no}"

    @property
    def answer_by(self) -> datetime:
        return self.requested_at + ACK_TIME

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def needs_review(self) -> bool:
        return bool({"increase", "date", "requirement"} & set(self.kinds))


@dataclass(frozen=True)
class ChangeWasRequested:
    order_id: str
    change: Change


@dataclass(frozen=True)
class ChangeWasDecided:
    order_id: str
    change: Change


@dataclass(frozen=True)
class Asked:
    """What the customer asks: per line number its new quantity (0 removes the line), a new
    date, or to cancel the order."""

    quantities: dict[int, int]
    requested_delivery_date: date | None
    cancel: bool
    reason: str
    requirements: str | None = None
    """New product requirements in words; None: unchanged."""


def check_change_authority(by: Decider) -> None:
    if by.role not in CHANGE_ROLES:
        raise BeyondAuthority(f"role {by.role} may not record a customer's change")


def changed_lines(current: tuple[Line, ...], asked: Asked) -> tuple[Line, ...]:
    """The order's lines after the change: named lines take their new quantity (0 removes
    them), the others stay as they are, at their agreed prices."""
    known = {line.line_no for line in current}
    unknown = sorted(set(asked.quantities) - known)
    if unknown:
        raise InvalidDecision(f"the order has no line {', '.join(map(str, unknown))}")
    lines = []
    for line in current:
        quantity = asked.quantities.get(line.line_no, line.quantity)
        if quantity:
            lines.append(Line(line.line_no, line.product_code, quantity, line.unit_price))
    return tuple(lines)


def kinds_of(
    current: tuple[Line, ...],
    new: tuple[Line, ...],
    old_date: date,
    new_date: date,
    cancel: bool,
    requirement: bool = False,
) -> tuple[str, ...]:
    """What differs between the applied version and the change (P7.2, P7.3); `requirement`:
    the product requirements differ."""
    if cancel:
        return ("cancel",)
    before = {line.line_no: line.quantity for line in current}
    after = {line.line_no: line.quantity for line in new}
    kinds = []
    if any(after.get(number, 0) < quantity for number, quantity in before.items()):
        kinds.append("decrease")
    if any(quantity > before.get(number, 0) for number, quantity in after.items()):
        kinds.append("increase")
    if new_date != old_date:
        kinds.append("date")
    if requirement:
        kinds.append("requirement")
    return tuple(kinds)


def new_change(
    *,
    order_id: str,
    version: int,
    confirmed: bool,
    current: tuple[Line, ...],
    current_date: date,
    lines: tuple[Line, ...],
    requested_delivery_date: date,
    cancel: bool,
    reason: str,
    via: str,
    by: Decider | None,
    now: datetime,
    current_requirements: str = "",
    requirements: str | None = None,
) -> Change:
    """A change of the applied version into the given content; refused (changing nothing)
    when nothing differs or the order has no version left. One that needs a review after
    confirmation waits for it (P7.3)."""
    if version >= MAX_VERSIONS:
        raise NotAllowedNow(f"order {order_id} has {MAX_VERSIONS} versions: no further change")
    changed = requirements is not None and requirements != current_requirements
    kinds = kinds_of(current, lines, current_date, requested_delivery_date, cancel, changed)
    if not kinds:
        raise InvalidDecision("nothing differs from the order as it stands")
    if requested_delivery_date <= now.date() and "date" in kinds:
        raise InvalidDecision(f"a new delivery date must be after today ({now.date()})")
    change = Change(
        order_id=order_id,
        change_no=version + 1,
        based_on=version,
        kinds=kinds,
        stage="after_confirmation" if confirmed else "before_confirmation",
        lines=() if cancel else lines,
        previous_total=sum((line.amount for line in current), Decimal("0")),
        requested_delivery_date=requested_delivery_date,
        reason=reason,
        via=via,
        requested=by,
        requested_at=now,
        requirements=current_requirements if requirements is None else requirements,
    )
    if confirmed and change.needs_review:
        change.status = ChangeStatus.IN_REVIEW
    return change


def take_answer(change: Change, answer: Answer) -> None:
    """A department's acknowledgement: kept once per department; a refusal refuses an open
    change (P7.1), and once production and logistics have both answered a change without a
    new review is applied by rule, or waits for the charge when something was spent (P7.2)."""
    if answer.department in change.answers:
        return
    change.answers[answer.department] = answer
    if change.status not in (ChangeStatus.ACKNOWLEDGING, ChangeStatus.IN_REVIEW):
        return
    if not answer.accepted:
        change.status = ChangeStatus.REFUSED
        change.refused_by = answer.department
        change.outcome_reason = answer.reason
        return
    if change.status is ChangeStatus.IN_REVIEW:
        _decide_reviewed(change)
    elif all(department in change.answers for department in DECIDING_DEPARTMENTS):
        if change.answers["production"].spent:
            change.status = ChangeStatus.AWAITING_CHARGE
        else:
            change.status = ChangeStatus.APPLIED


def take_verdict(change: Change, approved: bool, reason: str, confirmed: date | None) -> None:
    """P7.3: the new round's verdict on a change reviewed again, kept once; declined refuses
    the change (never the order), approved applies it once production and logistics have
    answered too."""
    if change.status is not ChangeStatus.IN_REVIEW or change.verdict:
        return
    change.verdict = "approved" if approved else "declined"
    change.confirmed_delivery_date = confirmed
    if not approved:
        change.status = ChangeStatus.REFUSED
        change.refused_by = "review"
        change.outcome_reason = reason or "declined in review"
        return
    _decide_reviewed(change)


def _decide_reviewed(change: Change) -> None:
    if change.verdict == "approved" and all(
        department in change.answers for department in DECIDING_DEPARTMENTS
    ):
        change.status = ChangeStatus.APPLIED


def decide_charge(change: Change, amount: Decimal, reason: str, by: Decider) -> None:
    """The sales manager (or the general manager) decides what the customer pays for what
    production already spent (P7.2): at most the order's total before the change."""
    if by.role not in CHARGE_ROLES:
        raise BeyondAuthority(f"role {by.role} may not decide a change's charge")
    if change.status is not ChangeStatus.AWAITING_CHARGE:
        raise NotAllowedNow(
            f"change {change.number} is {change.status.value}, not awaiting a charge"
        )
    if amount > change.previous_total:
        raise InvalidDecision(
            f"a charge of {amount} is above the order's total before the change "
            f"({change.previous_total})"
        )
    change.charge = amount
    change.charge_reason = reason
    change.decided = by
    change.status = ChangeStatus.APPLIED


def withdraw(change: Change, reason: str, by: Decider) -> None:
    """The customer withdrew an open change (P7.1)."""
    check_change_authority(by)
    if not change.is_open:
        raise NotAllowedNow(f"change {change.number} is {change.status.value} already")
    change.status = ChangeStatus.WITHDRAWN
    change.outcome_reason = reason
    change.decided = by
