"""The production order of one customer order, or of safety stock: assessed, booked, released,
supplied, started, patrolled, inspected, received, closed (P2.4, P3.2, P4.1 to P4.10).

Production hears about an order on several topics, and Kafka keeps no order between them: any
of them can start the production order. It is assessed once per version, released first once
(a later release of a newer version may give it more units: `versions`, P7.3), reported
complete once per quantity it reaches, and only after its release.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from services.production.domain import quality
from services.production.domain.commands import AssessFeasibility, Line, ReleaseOrder
from services.production.domain.events import (
    Assessment,
    DomainEvent,
    FeasibilityWasAssessed,
    GoodsWereProduced,
    MaterialsWereListed,
    OrderWasDelayed,
    ScheduleWasChanged,
)
from services.production.domain.feasibility import Answer, Verdict, production_answer
from services.production.domain.lines import ordered, released_lines, total_units
from services.production.domain.planner import CapacityCalendar, Slot, earliest_slot
from services.production.domain.stock import (
    MaterialLine,
    earliest_start,
    give_up,
    issue,
    receive,
)
from shared.contracts.bounds import DATE_MIN
from shared.decisions import NotAllowedNow, Signature


class ProductionStatus(StrEnum):
    AWAITING_RELEASE = "awaiting_release"
    RELEASED = "released"
    """Released: waiting for its materials and its planned start."""
    IN_PRODUCTION = "in_production"
    PRODUCED = "produced"
    CLOSED = "closed"


class Outcome(StrEnum):
    FULFILLED = "fulfilled"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Urgency:
    reason: str
    signed: Signature


def production_order_number(order_id: str) -> str:
    """Production's own number for the order: MO-<order id>."""
    return f"MO-{order_id}"


@dataclass
class ProductionOrder:
    order_id: str
    production_order_id: str
    customer_id: str | None = None
    safety_stock: bool = False
    lines: tuple[Line, ...] | None = None
    requested_delivery_date: date | None = None
    assessment: Assessment | None = None
    booking: Slot | None = None
    release_gate: str | None = None
    confirmed_delivery_date: date | None = None
    urgency: Urgency | None = None
    materials: tuple[MaterialLine, ...] = ()
    status: ProductionStatus = ProductionStatus.AWAITING_RELEASE
    started: Signature | None = None
    operations: tuple[quality.Operation, ...] = ()
    inspections: tuple[quality.InspectionRequest, ...] = ()
    receipts: tuple[quality.Receipt, ...] = ()
    reported_delivery: date | None = None
    """The expected delivery date last reported on `order.delayed` (P4.10)."""
    ready_on: date | None = None
    outcome: Outcome | None = None
    version: int = 1
    """The highest version of the order applied from `change.decided` (P7.2, P7.4)."""
    settled: int = 1
    """The highest change number decided, whatever the outcome."""
    answered: int = 1
    """The highest change number acknowledged (P7.1)."""
    held_for: int | None = None
    """The open change that holds the start (P7.2)."""
    assessed_version: int = 0
    """The version the feasibility answer was made for (0: not assessed)."""
    release_version: int = 0
    """The highest version of `order.released` taken (0: not released; P7.3)."""
    release_lines: tuple[Line, ...] | None = None
    """The lines of that release: rule 3's released part."""
    applied_lines: tuple[Line, ...] | None = None
    """The lines of the highest version applied (the order as released while version 1):
    rule 3's applied part. `lines` is the lower of the two per product once released."""
    made_before: int = 0
    """Units received before a produced order went back to released for an increase (P7.3):
    its new booking holds capacity only for the rest."""
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, order_id: str) -> "ProductionOrder":
        """An empty production order, before anything about the order is known."""
        return cls(order_id=order_id, production_order_id=production_order_number(order_id))

    # -- what it is ---------------------------------------------------------------------------

    @property
    def urgent(self) -> bool:
        return self.urgency is not None

    @property
    def units(self) -> int:
        return total_units(self.lines or ())

    @property
    def units_to_book(self) -> int:
        """The units its booking holds capacity for: all, less those made before a restart."""
        return max(self.units - self.made_before, 0)

    @property
    def due(self) -> date | None:
        """The date it must be delivered by: the confirmed one, else the requested one."""
        return self.confirmed_delivery_date or self.requested_delivery_date

    @property
    def released(self) -> bool:
        return self.release_gate is not None

    def wants_assessment(self, version: int) -> bool:
        """A feasibility request of `version` is answered: the first one, and once more for
        each newer version after a change before confirmation (P7.4); an older one is stale."""
        if self.status is ProductionStatus.CLOSED or version < self.version:
            return False
        return self.assessment is None or version > self.assessed_version

    @property
    def awaits_release(self) -> bool:
        return self.status is ProductionStatus.AWAITING_RELEASE and self.release_gate is None

    @property
    def plannable(self) -> bool:
        """Its booking may still move: released or tentative, not started, not closed."""
        return self.status in (ProductionStatus.AWAITING_RELEASE, ProductionStatus.RELEASED)

    @property
    def being_made(self) -> bool:
        """Started and not complete: material it still lacks is issued to it as it comes."""
        return self.status is ProductionStatus.IN_PRODUCTION

    def needed_by(self, lead_days: int) -> date:
        """The last day material may arrive for the order to be ready before its due date."""
        due = self.due or DATE_MIN
        return max(due - timedelta(days=lead_days + 1), DATE_MIN)

    def earliest_start(self, today: date) -> date | None:
        return earliest_start(self.materials, today)

    # -- review and release -------------------------------------------------------------------

    def assess(
        self,
        command: AssessFeasibility,
        calendar: CapacityCalendar,
        booked: Mapping[str, int],
        purchasing: Answer,
        materials_from: date | None,
        today: date,
        to_make: Sequence[Line] | None = None,
    ) -> None:
        """Answer review once for production and purchasing (P2.4, P4.5): the order is booked,
        tentatively, in the first week with room from the day its materials can be there, and
        production says whether it is then ready before the requested date. A repeated request
        changes nothing and is not answered again; a newer version is answered anew (P7.4).
        `to_make`: the units still to make (a released order's extra, P7.3; None: all), for
        which capacity is sought; none beyond its booking: its booking answers."""
        if not self.wants_assessment(command.version):
            return
        self.customer_id = command.customer_id
        self.requested_delivery_date = command.requested_delivery_date
        if self.lines is None or not self.released:
            self.lines = command.lines
        if not self.released and self.assessment is not None:
            self.unbook()  # the booking of the older version was tentative
        self.assessed_version = command.version
        units = total_units(command.lines if to_make is None else to_make)
        slot = None
        if materials_from is not None and units:
            slot = earliest_slot(calendar, booked, units, max(materials_from, today))
        production = production_answer(slot, units, command.requested_delivery_date)
        if units == 0 and self.released:  # nothing more to make: the plan stands as it is
            production = self._as_planned(command.requested_delivery_date)
        elif materials_from is None:
            production = Answer(
                Verdict.NOT_FEASIBLE, reason="its materials cannot be obtained: see purchasing"
            )
        self.assessment = Assessment(production=production, purchasing=purchasing)
        if self.booking is None and not self.released and slot is not None:
            self.book(slot, "capacity")
        self.events.append(FeasibilityWasAssessed(self.order_id, self.assessment))

    def _as_planned(self, requested: date) -> Answer:
        """P7.3: a released order with nothing more to make meets a date its plan meets: made
        already, or booked ready before it."""
        if self.booking is None or self.status is ProductionStatus.PRODUCED:
            return Answer(
                Verdict.FEASIBLE, reason=f"{self.production_order_id} has nothing more to make"
            )
        return production_answer(self.booking, self.units, requested)

    def release(
        self,
        command: ReleaseOrder,
        materials: tuple[MaterialLine, ...],
        operations: tuple[quality.Operation, ...],
        lead_days: int,
    ) -> None:
        """Sales' release is the only start of production (P3.2, P3.3, P4.1, P4.2): the order
        takes its confirmed date, its material requirement list (reserved as far as stock goes)
        and its routing. The planner books it next. The first release counts."""
        if not self.awaits_release:
            return
        self.release_gate = command.gate
        self.confirmed_delivery_date = command.delivery_date
        self.lines = self.to_release(command.lines)
        self.release_version = command.version
        self.release_lines = command.lines
        if self.applied_lines is None:
            self.applied_lines = command.lines  # version 1: the order as released
        self.materials = materials
        self.operations = operations
        self.status = ProductionStatus.RELEASED
        self.events.append(
            MaterialsWereListed(self.order_id, materials, self.needed_by(lead_days), self.urgent)
        )
        if self.booking is not None and not self.safety_stock:
            self.events.append(ScheduleWasChanged(self.order_id))  # no longer tentative

    def to_release(self, lines: Sequence[Line]) -> tuple[Line, ...]:
        """The lines a release makes: capped by a change applied before it came (rule 3)."""
        applied = self.applied_lines if self.version > 1 else None
        return released_lines(lines, applied if applied is not None else lines)

    def relist_materials(self) -> None:
        """The requirement list to publish is the one after a rush order took what it could
        from others (P4.6): it replaces the list made at release."""
        self.events = [
            replace(event, materials=self.materials)
            if isinstance(event, MaterialsWereListed)
            else event
            for event in self.events
        ]

    def mark_urgent(self, reason: str, signed: Signature) -> None:
        """The sales manager marks the order urgent before release (P4.6)."""
        if self.released or self.status is ProductionStatus.CLOSED:
            raise NotAllowedNow("an order can be marked urgent only before its release")
        if self.urgency is not None:
            raise NotAllowedNow("the order is already urgent")
        self.urgency = Urgency(reason, signed)

    def revise_delivery(self, delivery_date: date) -> None:
        """Sales agreed a new date (P4.10): it is the due date from now on, and a delay is
        reported again if the plan misses it."""
        if not self.released or self.status in (ProductionStatus.CLOSED, ProductionStatus.PRODUCED):
            return
        self.confirmed_delivery_date = delivery_date
        self.reported_delivery = None
        if self.booking is not None:
            short = any(not line.complete for line in self.materials)
            self.book(self.booking, "late_purchase" if short else "production")

    # -- the schedule and delays --------------------------------------------------------------

    def book(self, slot: Slot, cause: str) -> None:
        """Book the order into `slot` (P4.5). A released order that is then not ready before
        its due date is reported delayed (P4.10), once per later expected date."""
        if slot != self.booking:
            self.booking = slot
            if not self.safety_stock:
                self.events.append(ScheduleWasChanged(self.order_id))
        due = self.due
        if not self.released or due is None or slot.on_time_for(due):
            return
        expected = slot.earliest_delivery
        if self.reported_delivery is not None and expected <= self.reported_delivery:
            return
        self.reported_delivery = expected
        if self.safety_stock:
            return
        self.events.append(
            OrderWasDelayed(
                self.order_id,
                cause,
                due,
                expected,
                f"planned in {slot.week}, start {slot.start.isoformat()}, ready "
                f"{slot.ready.isoformat()}: not before {due.isoformat()}",
            )
        )

    def unbook(self) -> None:
        if self.booking is not None:
            self.booking = None
            if not self.safety_stock:
                self.events.append(ScheduleWasChanged(self.order_id))

    # -- materials ----------------------------------------------------------------------------

    def _line(self, material_code: str) -> int:
        for index, line in enumerate(self.materials):
            if line.material_code == material_code:
                return index
        raise KeyError(material_code)

    def _replace_line(self, index: int, line: MaterialLine) -> None:
        self.materials = (*self.materials[:index], line, *self.materials[index + 1 :])

    def material_received(self, material_code: str, amount: Decimal) -> None:
        index = self._line(material_code)
        self._replace_line(index, receive(self.materials[index], amount))

    def material_taken(self, material_code: str, amount: Decimal, expected: date | None) -> None:
        index = self._line(material_code)
        self._replace_line(index, give_up(self.materials[index], amount, expected))

    def material_expected(self, material_code: str, on: date | None) -> None:
        index = self._line(material_code)
        line = self.materials[index]
        if not line.complete:
            self._replace_line(index, replace(line, expected_on=on))

    # -- the line -----------------------------------------------------------------------------

    def begin(self, today: date, signed: Signature) -> dict[str, Decimal]:
        """Start production (P4.8): released, every material reserved, planned start come.
        Returns what it consumes from stock."""
        if self.status is not ProductionStatus.RELEASED:
            raise NotAllowedNow(f"the order is {self.status.value}, not released and waiting")
        if self.held_for is not None:
            raise NotAllowedNow(f"held for change CR-{self.order_id}-{self.held_for}")
        short = [line.material_code for line in self.materials if not line.complete]
        if short:
            raise NotAllowedNow("materials not all reserved: " + ", ".join(short))
        if self.booking is None or self.booking.start > today:
            planned = self.booking.start.isoformat() if self.booking else "not planned"
            raise NotAllowedNow(f"the planned start has not come ({planned})")
        self.status = ProductionStatus.IN_PRODUCTION
        self.started = signed
        return self.issue_held()

    def issue_held(self) -> dict[str, Decimal]:
        """Issue to production what the store holds for the order (P4.8; the extra of an
        increase as it is reserved while the order is made, P7.3); returns what it issued."""
        issued = {line.material_code: line.held for line in self.materials if line.held}
        self.materials = tuple(issue(line) for line in self.materials)
        return issued

    def _in_production(self) -> None:
        if self.status is not ProductionStatus.IN_PRODUCTION:
            raise NotAllowedNow(f"the order is {self.status.value}, not in production")

    def patrol(self, number: int, passed: bool, note: str, signed: Signature) -> None:
        self._in_production()
        self.operations = quality.patrol(self.operations, number, passed, note, signed)

    def request_inspection(self, product_code: str, quantity: int, signed: Signature) -> None:
        self._in_production()
        if not quality.all_passed(self.operations):
            raise NotAllowedNow("every operation must pass patrol before final inspection")
        self.inspections = quality.request_inspection(
            self.inspections,
            self.receipts,
            ordered(self.lines or ()),
            product_code,
            quantity,
            signed,
        )

    def sign_inspection(
        self, number: int, passed: int, failed: int, note: str, signed: Signature
    ) -> None:
        self._in_production()
        self.inspections = quality.sign_inspection(
            self.inspections, number, passed, failed, note, signed
        )

    def expect_ready(self, ready: date) -> None:
        """Production trouble (failed units to rework or make again) moves the ready day later:
        the booking keeps its week and start, and a delay is reported if the order is now late
        (P4.10)."""
        if self.booking is not None and ready > self.booking.ready:
            self.book(replace(self.booking, ready=ready), "production")

    def dispose(self, number: int, disposition: quality.Disposition, signed: Signature) -> None:
        self._in_production()
        self.inspections = quality.dispose(self.inspections, number, disposition, signed)

    def receive(self, product_code: str, quantity: int, on: date, signed: Signature) -> None:
        """The warehouse receives passed units (P4.8); when every product's received quantity
        reaches the ordered one, the order is complete, once (P4.9)."""
        self._in_production()
        self.receipts = quality.receive(
            self.inspections, self.receipts, product_code, quantity, on, signed
        )
        self.finish_if_complete(on)

    def finish_if_complete(self, on: date | None = None) -> None:
        """Complete, once, when every product's received quantity reaches the ordered one."""
        if self.status is not ProductionStatus.IN_PRODUCTION:
            return
        on = on or max((r.on for r in self.receipts), default=None)
        if on is None:
            return
        units = ordered(self.lines or ())
        tallies = tuple(
            (code, quality.tally(code, self.inspections, self.receipts)) for code in units
        )
        if all(t.received >= units[code] for code, t in tallies):
            self.status = ProductionStatus.PRODUCED
            self.ready_on = on
            self.events.append(
                GoodsWereProduced(
                    self.order_id,
                    self.production_order_id,
                    tuple(Line(code, count) for code, count in units.items()),
                    on,
                    tallies,
                )
            )

    # -- the end ------------------------------------------------------------------------------

    def close(self, outcome: Outcome) -> tuple[MaterialLine, ...]:
        """File the order with its final outcome (P7.6). What the store still holds for it
        goes back (returned, for the stock ledger), what it lacks is no longer wanted, and one
        that was not being made gives back its booking."""
        if self.status is ProductionStatus.CLOSED:
            return ()
        given_back = tuple(line for line in self.materials if line.held)
        if self.plannable or any(line.shortfall for line in self.materials):
            self.materials = tuple(
                replace(line, reserved=line.issued, shortfall=Decimal(0), expected_on=None)
                for line in self.materials
            )
        if self.plannable:
            self.unbook()
        self.status = ProductionStatus.CLOSED
        self.outcome = outcome
        return given_back
