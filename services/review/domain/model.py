"""The review of one placed order: contract review, approval by authority and feasibility review,
ending in exactly one verdict (P2.1, P2.2, P2.3, P2.4, P2.5, P2.6, P2.7, P6.3, P6.4, P8.1,
P8.2).

A review opens when the order is placed and asks production and purchasing at once whether the
order can be made by its date. Once the customer's and the products' master data are there it is
evaluated: the terms check, which approvals are required, and the engineering and QA answers
computed from product data. It completes, approved with a delivery date, when every required
approval is in and feasibility is settled; or declined, when an approver rejects it or the
negotiation of another date fails. A review still open two days after receipt is escalated once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from services.review.domain.changes import ReviewAnswer, answer_to, restarts_review
from services.review.domain.master import (
    AUTO_APPROVER,
    GENERAL_MANAGER,
    SALES_MANAGER,
    ApprovalAuthority,
    ReviewBasis,
)
from services.review.domain.rules import (
    CREDIT_LIMIT,
    ESCALATED_BALANCE,
    Assessment,
    Department,
    Verdict,
    engineering_assessment,
    escalation_reason,
    general_manager_reasons,
    proposed_delivery_date,
    qa_assessment,
    terms_findings,
)
from shared.contracts.bounds import clip
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, Person, Signature

REVIEW_PERIOD = timedelta(days=2)
"""P2.4: the feasibility review is organised within 2 days of receipt."""


class ReviewStatus(StrEnum):
    AWAITING_MASTER_DATA = "awaiting_master_data"
    IN_REVIEW = "in_review"
    NEGOTIATING = "negotiating"
    APPROVED = "approved"
    DECLINED = "declined"
    CLOSED = "closed"


OPEN_STATUSES = frozenset(
    {ReviewStatus.AWAITING_MASTER_DATA, ReviewStatus.IN_REVIEW, ReviewStatus.NEGOTIATING}
)


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    """The customer cancelled the order (P7.2, P7.4)."""


class ApprovalDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class AnswerSource(StrEnum):
    """Where a department's answer came from."""

    COMPUTED = "computed"
    """Review computed it from product data (engineering, QA)."""
    ASSESSED = "assessed"
    """Production computed it from its own data (production, purchasing)."""
    OVERRIDE = "override"
    """A person of the department gave it."""


class NegotiationStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    """Every department became able to meet the requested date: nothing left to negotiate."""


@dataclass(frozen=True)
class Line:
    line_no: int
    product_code: str
    quantity: int


@dataclass(frozen=True)
class OpenReview:
    """Command: review a placed order."""

    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    requested_delivery_date: date
    payment_terms: str | None
    lines: tuple[Line, ...]
    entered_by: str | None = None
    """The user who entered the order at the sales desk; None: it came from another system."""
    replacement: "Replacement | None" = None
    """A replacement of returned goods (P7.5): the return and who authorised it."""


@dataclass(frozen=True)
class Replacement:
    """What a replacement order replaces (P7.5): the return, and the sales manager (or general
    manager) whose authorisation of it is the order's approval."""

    return_number: str
    authorised: Signature


@dataclass(frozen=True)
class ApplyChange:
    """Command: apply change `change_no` as sales decided it (`change.decided` applied; P7.2,
    P7.4). `lines` is empty for a cancellation."""

    change_no: int
    before_confirmation: bool
    cancel: bool
    lines: tuple[Line, ...]
    total_amount: Decimal
    requested_delivery_date: date
    requirement: bool = False
    """The product requirements changed: engineering and QA answer in person (P7.3)."""

    @property
    def in_person(self) -> frozenset[Department]:
        """The departments whose answers the new round takes only from a person (P7.3)."""
        if not self.requirement:
            return frozenset()
        return frozenset({Department.ENGINEERING, Department.QA})

    @property
    def restarts_review(self) -> bool:
        return restarts_review(self.before_confirmation, self.cancel)


@dataclass(frozen=True)
class SignApproval:
    """Command: a person approves or rejects the order (P2.2, P2.3, P8.1)."""

    person: Person
    decision: ApprovalDecision
    note: str = ""
    contract_stamped: bool = False
    """Whether the approver saw the contract stamped (P2.2); never assumed."""


@dataclass(frozen=True)
class OverrideFeasibility:
    """Command: engineering or QA gives its own answer instead of the computed one (P2.4)."""

    person: Person
    department: Department
    assessment: Assessment


@dataclass(frozen=True)
class RecordNegotiationOutcome:
    """Command: the general manager records what was agreed with the customer (P2.6)."""

    person: Person
    accepted: bool
    agreed_date: date | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.accepted and self.agreed_date is None:
            raise ValueError("an accepted negotiation needs the agreed date (P2.6)")
        if not self.accepted and not self.reason:
            raise ValueError("a declined order needs a recorded reason (P2.6)")


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
        return cls(approved=False, confirmed_delivery_date=None, reason=clip(reason))


@dataclass(frozen=True)
class ApprovalStep:
    """One required approval: pending until the role signs it (P2.3)."""

    role: str
    decision: ApprovalDecision | None = None
    note: str = ""
    contract_stamped: bool | None = None
    signature: Signature | None = None

    @property
    def pending(self) -> bool:
        return self.signature is None


@dataclass(frozen=True)
class Answer:
    """A department's feasibility answer as recorded: what, from where, and when; `signature`
    names the person for an override."""

    verdict: Verdict
    reason: str
    available_from: date | None
    source: AnswerSource
    at: datetime
    signature: Signature | None = None

    @property
    def assessment(self) -> Assessment:
        return Assessment(self.verdict, self.reason, self.available_from)


@dataclass(frozen=True)
class Negotiation:
    """Another delivery date negotiated with the customer (P2.6)."""

    opened_at: datetime
    proposed_delivery_date: date | None
    reasons: tuple[str, ...]
    status: NegotiationStatus = NegotiationStatus.OPEN
    agreed_delivery_date: date | None = None
    reason: str = ""
    signature: Signature | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Round:
    """A finished round of a review, kept when a change before confirmation started the review
    again with new content (P7.4, P7.6): what it reviewed, who signed what, and how it ended."""

    version: int
    status: ReviewStatus
    total_amount: Decimal
    requested_delivery_date: date
    lines: tuple[Line, ...]
    approvals: tuple[ApprovalStep, ...]
    answers: dict[Department, Answer]
    confirmed_delivery_date: date | None
    decline_reason: str
    ended_at: datetime


@dataclass(frozen=True)
class FeasibilityWasRequested:
    order_id: str
    customer_id: str
    requested_delivery_date: date
    lines: tuple[Line, ...]
    version: int = 1


@dataclass(frozen=True)
class NegotiationWasOpened:
    order_id: str
    requested_delivery_date: date
    proposed_delivery_date: date | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReviewWasCompleted:
    order_id: str
    decision: Decision
    approved_by: tuple[Signature, ...] = ()
    """Who gave the approvals (the automatic policy as itself, P8.1)."""
    version: int = 1
    """The order's version reviewed (P7.4)."""


@dataclass(frozen=True)
class ReviewWasEscalated:
    order_id: str
    received_at: datetime
    deadline: datetime
    waiting_for: tuple[str, ...]


DomainEvent = (
    FeasibilityWasRequested | NegotiationWasOpened | ReviewWasCompleted | ReviewWasEscalated
)


@dataclass
class Review:
    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    requested_delivery_date: date
    payment_terms: str | None
    lines: tuple[Line, ...]
    received_at: datetime
    deadline: datetime
    entered_by: str | None = None
    """P8.1: who entered the order at the sales desk; they may not approve it."""
    status: ReviewStatus = ReviewStatus.AWAITING_MASTER_DATA
    missing_master_data: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    general_manager_reasons: tuple[str, ...] = ()
    approvals: list[ApprovalStep] = field(default_factory=list)
    answers: dict[Department, Answer] = field(default_factory=dict)
    negotiation: Negotiation | None = None
    feasible_delivery_date: date | None = None
    confirmed_delivery_date: date | None = None
    decline_reason: str = ""
    outcome: Outcome | None = None
    escalated_at: datetime | None = None
    delivery_date: date | None = None
    """The order's current delivery date: the confirmed one, moved by a late signature (P3.4)
    and fixed by the release (P3.5)."""
    delivery_date_final: bool = False
    """True once the release fixed the date: a signature arriving later does not move it."""
    confirmed_at: datetime | None = None
    """When sales confirmed the approved order; until then it counts in the credit check of the
    customer's other orders (P6.4)."""
    version: int = 1
    """The highest change applied from `change.decided` (1: as placed); the current round
    reviews this version's content (P7.4)."""
    acknowledged_change: int = 0
    """The highest change number acknowledged (P7.1): each is answered once."""
    rounds: list[Round] = field(default_factory=list)
    """Earlier rounds, each ended by a change before confirmation (P7.4) or by a change after
    it that is reviewed again (P7.3)."""
    amending: int | None = None
    """The change after confirmation this round reviews (P7.3); None: the order itself."""
    replacement: Replacement | None = None
    """A replacement of returned goods (P7.5): its return's authorisation approves it."""
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    # -- opening and evaluation ---------------------------------------------------------------

    @classmethod
    def open(cls, command: OpenReview, now: datetime) -> "Review":
        """P2.4: a placed order is received now, reviewed within two days, and production and
        purchasing are asked at once whether it can be made by its date."""
        review = cls(
            order_id=command.order_id,
            customer_id=command.customer_id,
            currency=command.currency,
            total_amount=command.total_amount,
            requested_delivery_date=command.requested_delivery_date,
            payment_terms=command.payment_terms,
            lines=command.lines,
            received_at=now,
            deadline=now + REVIEW_PERIOD,
            entered_by=command.entered_by,
            replacement=command.replacement,
        )
        review.events.append(
            FeasibilityWasRequested(
                command.order_id,
                command.customer_id,
                command.requested_delivery_date,
                command.lines,
            )
        )
        return review

    @property
    def product_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.product_code for line in self.lines))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def counted_in_balance(self) -> Decimal:
        """What of this order finance's open balance holds already: nothing before the
        confirmation; during a change's round the confirmed total, so the credit check counts
        the difference only (P6.4, P7.3)."""
        if self.amending is None or not self.rounds:
            return Decimal(0)
        return self.rounds[-1].total_amount

    def evaluate(
        self, basis: ReviewBasis, now: datetime, in_person: frozenset[Department] = frozenset()
    ) -> None:
        """Evaluate the review once the master data it needs is there; until then it waits
        (and says for what). P2.1 terms check; P2.3, P6.3, P6.4, P8.1 required approvals; P2.4
        engineering and QA from product data (an earlier override stands); then the automatic
        policy, if it applies, signs the sales manager's step."""
        if self.status is not ReviewStatus.AWAITING_MASTER_DATA:
            return
        missing = [] if basis.customer else [f"customer:{self.customer_id}"]
        missing += [f"product:{code}" for code in self.product_codes if code not in basis.products]
        self.missing_master_data = tuple(missing)
        if basis.customer is None or missing:
            return
        customer = basis.customer
        self.findings = terms_findings(customer, self.payment_terms)
        self.general_manager_reasons = general_manager_reasons(
            self.total_amount,
            self.currency,
            customer,
            basis.open_balance - self.counted_in_balance,
            basis.authority,
            self.findings,
            basis.escalated_invoices,
        )
        self.approvals = [ApprovalStep(SALES_MANAGER)]
        if self.general_manager_reasons:
            self.approvals.append(ApprovalStep(GENERAL_MANAGER))
        computed = {
            Department.ENGINEERING: engineering_assessment(self.product_codes, basis.products),
            Department.QA: qa_assessment(
                self.product_codes, basis.products, basis.qa_capability_level
            ),
        }
        for department, assessment in computed.items():
            if department not in self.answers and department not in in_person:
                self.answers[department] = _answer(assessment, AnswerSource.COMPUTED, now)
        self.status = ReviewStatus.IN_REVIEW
        if self.replacement is not None:
            self._sign(
                0,
                self.replacement.authorised,
                ApprovalDecision.APPROVE,
                note=f"replacement for return {self.replacement.return_number}, approved by "
                "its authorisation (P7.5)",
                contract_stamped=None,  # no contract: the goods are replaced at no charge
            )
        elif self.amending is None and basis.auto_approval.applies(
            customer.tier, self.total_amount, bool(self.general_manager_reasons)
        ):
            self._sign(
                0,
                Signature(AUTO_APPROVER, SALES_MANAGER, now),
                ApprovalDecision.APPROVE,
                note=f"automatic approval: tier {customer.tier}, total within "
                f"{basis.auto_approval.max_amount} {self.currency}",
                contract_stamped=None,  # nobody saw the contract: the policy never says so
            )
        self._decide_feasibility(now)
        self._complete_if_done()

    # -- people's and departments' decisions ----------------------------------------------------

    def sign(
        self,
        command: SignApproval,
        authority: ApprovalAuthority,
        now: datetime,
        escalated_invoices: Sequence[str] = (),
        credit_reason: str | None = None,
    ) -> None:
        """P2.3, P8.1: the domain decides which pending step the person may sign. The sales
        manager signs the sales manager's step, recording the stamp and the authorised
        signature (P2.2); the general manager signs the general manager's step. Anything else
        is refused and changes nothing. A rejection declines the order with the note as reason
        (P2.6).

        P6.3: the customer's escalated invoices as they are at this decision. A review evaluated
        before the escalation arrived takes the general manager's step now, with the reason,
        before anyone signs: the sales manager's signature then is one of two and approves
        nothing alone. Signatures given before the escalation stand.

        P6.4: `credit_reason`, the credit check as it is at this decision (the customer's other
        orders approved meanwhile count); a limit exceeded now needs the general manager too."""
        if self.status in (ReviewStatus.IN_REVIEW, ReviewStatus.NEGOTIATING):
            if escalated_invoices:
                self._require_general_manager(escalated_invoices)
            if credit_reason is not None:
                self._add_general_manager_reason(credit_reason, CREDIT_LIMIT)
        person = command.person
        index = self._step_for(person, authority)
        step = self.approvals[index]
        if (
            command.decision is ApprovalDecision.APPROVE
            and step.role == SALES_MANAGER
            and not command.contract_stamped
        ):
            raise NotAllowedNow(
                f"order {self.order_id}: the contract must carry the company stamp before the "
                "sales manager signs it (P2.2)"
            )
        self._sign(
            index,
            Signature(person.user, person.role, now),
            command.decision,
            note=command.note,
            contract_stamped=command.contract_stamped if step.role == SALES_MANAGER else None,
        )
        if command.decision is ApprovalDecision.REJECT:
            self._withdraw_negotiation(now)
            self._complete(
                Decision.decline(command.note or f"rejected by {person.user} ({person.role})")
            )
            return
        self._complete_if_done()

    def override(self, command: OverrideFeasibility, now: datetime) -> None:
        """P2.4: engineering and QA may answer for their department themselves, instead of the
        answer computed from product data; only a person of that role may."""
        person, department = command.person, command.department
        if department not in (Department.ENGINEERING, Department.QA):
            raise BeyondAuthority(f"the {department} answer comes from production, not a person")
        if person.role != department.value:
            raise BeyondAuthority(
                f"only {department.value} may give the {department.value} feasibility answer "
                f"(P2.4); {person.user} acts as {person.role}"
            )
        self._ensure_open()
        assessment = command.assessment
        if assessment.verdict is Verdict.LATER and assessment.available_from is None:
            raise ValueError("a 'later' answer needs the date it becomes feasible")
        self.answers[department] = Answer(
            verdict=assessment.verdict,
            reason=assessment.reason,
            available_from=assessment.available_from
            if assessment.verdict is Verdict.LATER
            else None,
            source=AnswerSource.OVERRIDE,
            at=now,
            signature=Signature(person.user, person.role, now),
        )
        self._decide_feasibility(now)
        self._complete_if_done()

    def record_assessment(
        self, production: Assessment, purchasing: Assessment, now: datetime, version: int = 1
    ) -> None:
        """P2.4: production's and purchasing's answers, computed by production. Recorded for the
        history even after the verdict; they decide nothing then. P7.4: answers about an older
        version than the current round's change nothing."""
        if version < self.version:
            return
        self.answers[Department.PRODUCTION] = _answer(production, AnswerSource.ASSESSED, now)
        self.answers[Department.PURCHASING] = _answer(purchasing, AnswerSource.ASSESSED, now)
        if not self.is_open:
            return
        self._decide_feasibility(now)
        self._complete_if_done()

    def record_negotiation_outcome(self, command: RecordNegotiationOutcome, now: datetime) -> None:
        """P2.6: the general manager signs the date agreed with the customer, or declines the
        order with the reason; nobody else may, and only while a negotiation is open."""
        person = command.person
        if person.role != GENERAL_MANAGER:
            raise BeyondAuthority(
                f"only the general manager records the outcome of a negotiation (P2.6); "
                f"{person.user} acts as {person.role}"
            )
        if self.status is not ReviewStatus.NEGOTIATING or self.negotiation is None:
            raise NotAllowedNow(f"no negotiation is open for order {self.order_id} ({self.status})")
        signature = Signature(person.user, person.role, now)
        if command.accepted:
            assert command.agreed_date is not None
            self._check_agreed_date(command.agreed_date, now)
            self.negotiation = replace(
                self.negotiation,
                status=NegotiationStatus.ACCEPTED,
                agreed_delivery_date=command.agreed_date,
                signature=signature,
                closed_at=now,
            )
            self.feasible_delivery_date = command.agreed_date
            self.status = ReviewStatus.IN_REVIEW
            self._complete_if_done()
            return
        self.negotiation = replace(
            self.negotiation,
            status=NegotiationStatus.DECLINED,
            reason=command.reason,
            signature=signature,
            closed_at=now,
        )
        self._complete(Decision.decline(command.reason))

    def _check_agreed_date(self, agreed: date, now: datetime) -> None:
        """P2.4, P2.6: a date agreed with the customer is neither in the past nor before the date
        the departments offered, and it never overrules engineering's or QA's "not feasible":
        only that department's own answer can lift it."""
        assert self.negotiation is not None
        blocking = self._not_feasible_by_engineering_or_qa()
        if blocking:
            raise NotAllowedNow(
                f"order {self.order_id}: {', '.join(blocking)} answered not feasible; an agreed "
                "date does not change that (P2.4), only that department's own answer does"
            )
        if agreed < now.date():
            raise InvalidDecision(f"the agreed date {agreed} is in the past (P2.6)")
        offered = self.negotiation.proposed_delivery_date
        if offered is not None and agreed < offered:
            raise InvalidDecision(
                f"the agreed date {agreed} is before {offered}, the earliest date the "
                "departments can meet (P2.6)"
            )

    def _not_feasible_by_engineering_or_qa(self) -> list[str]:
        return [
            department.value
            for department in (Department.ENGINEERING, Department.QA)
            if (answer := self.answers.get(department)) is not None
            and answer.verdict is Verdict.NOT_FEASIBLE
        ]

    # -- deadline and filing --------------------------------------------------------------------

    def waiting_for(self) -> tuple[str, ...]:
        """The steps still open, e.g. 'approval:general_manager', 'feasibility:production'."""
        if not self.is_open:
            return ()
        items: list[str] = []
        if self.status is ReviewStatus.AWAITING_MASTER_DATA:
            items.append(f"approval:{SALES_MANAGER}")
        items += [f"approval:{step.role}" for step in self.approvals if step.pending]
        items += [f"feasibility:{d.value}" for d in Department if d not in self.answers]
        if self.status is ReviewStatus.NEGOTIATING:
            items.append(f"negotiation:{GENERAL_MANAGER}")
        items += [f"master_data:{missing}" for missing in self.missing_master_data]
        return tuple(items)

    def escalate_if_overdue(self, now: datetime) -> bool:
        """P2.4, P8.2: a review still open after its deadline is flagged to management, once."""
        if not self.is_open or self.escalated or now < self.deadline:
            return False
        self.escalated_at = now
        self.events.append(
            ReviewWasEscalated(self.order_id, self.received_at, self.deadline, self.waiting_for())
        )
        return True

    def record_confirmation(
        self, confirmed_delivery_date: date, credit_reason: str | None, now: datetime
    ) -> None:
        """P6.4, P2.7: sales confirmed the approved order. From now on it is in finance's open
        balance, no longer counted by review. The credit check is made again, with every other
        order of the customer approved meanwhile: exceeded now, and no general manager signed
        the order, it is escalated to management once (`review.escalated` waiting for
        `approval:general_manager` and `credit_limit`) and the reason kept with the review.
        A confirmation seen again changes nothing."""
        if self.confirmed_at is not None:
            return
        self.confirmed_at = now
        if self.delivery_date is None:
            self.delivery_date = confirmed_delivery_date
        if credit_reason is None or self.status is not ReviewStatus.APPROVED:
            return
        if any(not step.pending and step.role == GENERAL_MANAGER for step in self.approvals):
            return
        self.general_manager_reasons = (*self.general_manager_reasons, credit_reason)
        self.events.append(
            ReviewWasEscalated(
                self.order_id,
                self.received_at,
                self.deadline,
                (f"approval:{GENERAL_MANAGER}", "credit_limit"),
            )
        )

    def move_delivery_date(self, expected: date) -> None:
        """P3.4: a late signature moved the date, unless the release fixed it already."""
        if not self.delivery_date_final:
            self.delivery_date = expected

    def fix_delivery_date(self, released: date) -> None:
        """P3.5: the release carries the date production works to; it is final."""
        self.delivery_date = released
        self.delivery_date_final = True

    # -- changes (P7.1, P7.2, P7.4) --------------------------------------------------------------

    def acknowledge(
        self, change_no: int, before_confirmation: bool, cancel: bool, needs_review: bool = False
    ) -> ReviewAnswer | None:
        """P7.1: review's answer to change request `change_no`, once per change (None: answered
        already). Before confirmation a change other than a cancellation starts the review
        again (P7.4); after it an increase, a new date or a changed requirement is reviewed
        in a new round (P7.3, `reopen`); anything else, and a change of a closed review or
        one decided already, needs no new review."""
        if change_no <= self.acknowledged_change:
            return None
        self.acknowledged_change = change_no
        if self.status is ReviewStatus.CLOSED or change_no <= self.version:
            return "not_needed"
        return answer_to(before_confirmation, cancel, needs_review)

    def reopen(self, command: ApplyChange, now: datetime) -> None:
        """P7.3: a new round for change `command.change_no` after confirmation, on its new
        content: the confirmed round is kept in `rounds`, approvals are asked again on the new
        total (the credit check counts only the difference), engineering and QA are computed
        again, production and purchasing are asked with the new version, and the two-day
        deadline runs anew. The round's verdict decides the change; the caller evaluates it."""
        reviewed, self.version = self.version, command.change_no
        self._end_round(reviewed, now)
        self.amending = command.change_no
        self._take_content(command, now)

    def abandon_round(self, change_no: int) -> bool:
        """P7.3: change `change_no` was refused or withdrawn: the round reviewing it ends and
        the confirmed round it replaced is the review again. False: no such round is open."""
        if self.amending != change_no or not self.rounds:
            return False
        previous = self.rounds.pop()
        self.version = previous.version
        self.amending = None
        self.status = previous.status
        self.total_amount = previous.total_amount
        self.requested_delivery_date = previous.requested_delivery_date
        self.lines = previous.lines
        self.approvals = list(previous.approvals)
        self.answers = dict(previous.answers)
        self.confirmed_delivery_date = previous.confirmed_delivery_date
        self.delivery_date = previous.confirmed_delivery_date
        self.decline_reason = previous.decline_reason
        self.missing_master_data = ()
        self.general_manager_reasons = ()
        self.negotiation = None
        return True

    def apply_change(self, command: ApplyChange, now: datetime) -> bool:
        """Apply a decided change once (a number not above `version` changes nothing). Before
        confirmation, other than a cancellation, the review starts again with the new content
        (P7.4): the round so far is kept in `rounds`, every approval and feasibility answer of
        it is dropped, production and purchasing are asked again with the new version, and a
        review already approved or declined reopens. Returns True then: the caller evaluates
        the new round against the master data. Otherwise (after confirmation, P7.2, or a
        cancellation) only the applied total is kept, for the customer's credit exposure; a
        cancellation closes the review only with the `order.closed` that follows."""
        if self.amending == command.change_no:
            self.amending = None  # the round's own verdict decided it (P7.3)
            return False
        if command.change_no <= self.version:
            return False
        reviewed, self.version = self.version, command.change_no
        if not command.restarts_review or self.status is ReviewStatus.CLOSED:
            self.total_amount = command.total_amount
            return False
        self._end_round(reviewed, now)
        self._take_content(command, now)
        return True

    def _take_content(self, command: ApplyChange, now: datetime) -> None:
        """The new round reviews the change's content, within two days from now."""
        self.lines = command.lines
        self.total_amount = command.total_amount
        self.requested_delivery_date = command.requested_delivery_date
        self.deadline = now + REVIEW_PERIOD
        self.escalated_at = None
        self.events.append(
            FeasibilityWasRequested(
                self.order_id,
                self.customer_id,
                self.requested_delivery_date,
                self.lines,
                self.version,
            )
        )

    def _end_round(self, reviewed: int, now: datetime) -> None:
        """Keep the round so far, of version `reviewed`, and clear it: the review waits to be
        evaluated again."""
        self.rounds.append(
            Round(
                version=reviewed,
                status=self.status,
                total_amount=self.total_amount,
                requested_delivery_date=self.requested_delivery_date,
                lines=self.lines,
                approvals=tuple(self.approvals),
                answers=dict(self.answers),
                confirmed_delivery_date=self.confirmed_delivery_date,
                decline_reason=self.decline_reason,
                ended_at=now,
            )
        )
        self.status = ReviewStatus.AWAITING_MASTER_DATA
        self.missing_master_data = ()
        self.findings = ()
        self.general_manager_reasons = ()
        self.approvals = []
        self.answers = {}
        self.negotiation = None
        self.feasible_delivery_date = None
        self.confirmed_delivery_date = None
        self.decline_reason = ""
        self.delivery_date = None
        self.delivery_date_final = False

    def close(self, outcome: Outcome) -> None:
        """File the review with the order's final outcome (P7.6); closing twice changes nothing."""
        if self.status is ReviewStatus.CLOSED:
            return
        self.status = ReviewStatus.CLOSED
        self.outcome = outcome

    # -- internals ------------------------------------------------------------------------------

    def _require_general_manager(self, escalated_invoices: Sequence[str]) -> None:
        """P6.3, P8.1: the customer's escalated overdue balance needs the general manager."""
        reason = escalation_reason(self.customer_id, escalated_invoices)
        if reason is not None:
            self._add_general_manager_reason(reason, ESCALATED_BALANCE)

    def _add_general_manager_reason(self, reason: str, kind: str) -> None:
        """The general manager's step becomes required, with the reason (one of each `kind`)."""
        if not any(kind in known for known in self.general_manager_reasons):
            self.general_manager_reasons = (*self.general_manager_reasons, reason)
        if all(step.role != GENERAL_MANAGER for step in self.approvals):
            self.approvals.append(ApprovalStep(GENERAL_MANAGER))

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise NotAllowedNow(f"the review of order {self.order_id} is already {self.status}")

    def _step_for(self, person: Person, authority: ApprovalAuthority) -> int:
        """The index of the pending step this person may sign, or a refusal."""
        if not authority.may_approve(person.role):
            raise BeyondAuthority(
                f"the {person.role} role has no authority to approve orders (P8.1)"
            )
        self._ensure_open()
        if self.status is ReviewStatus.AWAITING_MASTER_DATA:
            raise NotAllowedNow(
                f"the review of order {self.order_id} waits for master data: "
                f"{', '.join(self.missing_master_data) or 'not evaluated yet'}"
            )
        pending = [index for index, step in enumerate(self.approvals) if step.pending]
        if not pending:
            raise NotAllowedNow(
                f"every required approval of order {self.order_id} is in; the review waits "
                f"for: {', '.join(self.waiting_for())}"
            )
        if person.user == self.entered_by:
            raise BeyondAuthority(
                f"{person.user} entered order {self.order_id} and may not also approve it (P8.1)"
            )
        for index in pending:
            if self.approvals[index].role != person.role:
                continue
            if person.role == GENERAL_MANAGER and self._pending(SALES_MANAGER):
                raise NotAllowedNow(
                    f"order {self.order_id} waits for the sales manager, who passes it on to the "
                    "general manager once signed (P2.3)"
                )
            limit = authority.limit_of(person.role)
            if person.role != SALES_MANAGER and limit is not None and self.total_amount > limit:
                raise BeyondAuthority(
                    f"the order total {self.total_amount} {self.currency} exceeds the "
                    f"{person.role}'s authority of {limit} {self.currency} (P8.1)"
                )
            return index
        roles = [self.approvals[index].role for index in pending]
        if person.role == SALES_MANAGER:
            raise BeyondAuthority(
                f"only the general manager's approval is pending for order {self.order_id}: "
                + "; ".join(self.general_manager_reasons)
            )
        if SALES_MANAGER in roles:
            raise BeyondAuthority(
                f"order {self.order_id} waits for the sales manager's own approval, stamp and "
                "signature (P2.2, P2.3); no other role signs for the sales manager"
            )
        raise BeyondAuthority(
            f"the pending approvals of order {self.order_id} are not the {person.role}'s: "
            + ", ".join(roles)
        )

    def _pending(self, role: str) -> bool:
        return any(step.role == role and step.pending for step in self.approvals)

    def _sign(
        self,
        index: int,
        signature: Signature,
        decision: ApprovalDecision,
        note: str,
        contract_stamped: bool | None,
    ) -> None:
        self.approvals[index] = replace(
            self.approvals[index],
            decision=decision,
            note=note,
            contract_stamped=contract_stamped,
            signature=signature,
        )

    def _decide_feasibility(self, now: datetime) -> None:
        """P2.5, P2.6: once all four departments have answered, all feasible settles the
        requested date; otherwise a negotiation opens, proposing the latest date every
        department can meet (none when one said not feasible). An agreed date stands."""
        if self.status is ReviewStatus.AWAITING_MASTER_DATA or not self.is_open:
            return
        if any(department not in self.answers for department in Department):
            return
        if (
            self.negotiation
            and self.negotiation.status is NegotiationStatus.ACCEPTED
            and not self._not_feasible_by_engineering_or_qa()
        ):
            return
        answers = [self.answers[department] for department in Department]
        if all(answer.verdict is Verdict.FEASIBLE for answer in answers):
            self.feasible_delivery_date = self.requested_delivery_date
            self._withdraw_negotiation(now)
            self.status = ReviewStatus.IN_REVIEW
            return
        self.feasible_delivery_date = None
        proposed = proposed_delivery_date(answer.assessment for answer in answers)
        reasons = tuple(
            f"{department.value}: {answer.reason or answer.verdict.value}"
            for department, answer in zip(Department, answers, strict=True)
            if answer.verdict is not Verdict.FEASIBLE
        )
        self.status = ReviewStatus.NEGOTIATING
        current = self.negotiation
        if (
            current is not None
            and current.status is NegotiationStatus.OPEN
            and (current.proposed_delivery_date, current.reasons) == (proposed, reasons)
        ):
            return
        self.negotiation = Negotiation(
            opened_at=now, proposed_delivery_date=proposed, reasons=reasons
        )
        self.events.append(
            NegotiationWasOpened(self.order_id, self.requested_delivery_date, proposed, reasons)
        )

    def _withdraw_negotiation(self, now: datetime) -> None:
        """An open negotiation that no longer applies (every department can now meet the date,
        or the order was rejected) is closed as withdrawn."""
        if self.negotiation and self.negotiation.status is NegotiationStatus.OPEN:
            self.negotiation = replace(
                self.negotiation, status=NegotiationStatus.WITHDRAWN, closed_at=now
            )

    def _complete_if_done(self) -> None:
        """P2.3, P2.5: approved once every required approval is in and feasibility is settled."""
        if not self.is_open or self.status is ReviewStatus.AWAITING_MASTER_DATA:
            return
        if not self.approvals or any(step.pending for step in self.approvals):
            return
        if self.feasible_delivery_date is None:
            return
        self._complete(Decision.approve(self.feasible_delivery_date))

    def _complete(self, decision: Decision) -> None:
        """The one verdict of the review (P2.5, P2.6): exactly one `review.completed`."""
        if decision.approved:
            self.status = ReviewStatus.APPROVED
            self.confirmed_delivery_date = decision.confirmed_delivery_date
            self.delivery_date = decision.confirmed_delivery_date
        else:
            self.status = ReviewStatus.DECLINED
            self.decline_reason = decision.reason
        approved_by = tuple(
            step.signature
            for step in self.approvals
            if step.signature is not None and step.decision is ApprovalDecision.APPROVE
        )
        self.events.append(
            ReviewWasCompleted(self.order_id, decision, approved_by, version=self.version)
        )


def _answer(assessment: Assessment, source: AnswerSource, now: datetime) -> Answer:
    return Answer(
        verdict=assessment.verdict,
        reason=assessment.reason,
        available_from=assessment.available_from,
        source=source,
        at=now,
    )
