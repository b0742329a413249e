"""One shipment's life: requested, released (signed, or in an emergency), outbound-checked,
handed over, dispatched, delivered (P5.1, P5.3 to P5.6). Finance's payment check (P5.2) and the
release signature may arrive in either order; the release needs the check passed."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from services.logistics.domain.calendar import one_working_day_after
from services.logistics.domain.commands import (
    Address,
    Contact,
    Dispatch,
    FinanceCheck,
    RecordDelivery,
    Units,
    differences,
)
from services.logistics.domain.events import (
    DeliveryWasLate,
    DomainEvent,
    GoodsWereShipped,
    ShipmentWasCancelled,
    ShipmentWasEscalated,
    ShipmentWasReleased,
)
from shared.decisions import InvalidDecision, NotAllowedNow, Signature


class ShipmentStatus(StrEnum):
    REQUESTED = "requested"
    RELEASED = "released"
    CHECKED = "checked"
    HANDED_OVER = "handed_over"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


HANDED_OVER_STATUSES = frozenset(
    {ShipmentStatus.HANDED_OVER, ShipmentStatus.DISPATCHED, ShipmentStatus.DELIVERED}
)
"""What has left with a carrier: a change can no longer take it back (P7.2)."""


def change_number(order_id: str, change_no: int) -> str:
    """The change's document number, CR-<order id>-<n> (as shared.contracts.changes)."""
    return f"CR-{order_id}-{change_no}"


@dataclass(frozen=True)
class Correction:
    """A delivery address or contact changed at the request, with the reason (P5.1)."""

    field: Literal["delivery_address", "contact"]
    before: Address | Contact
    after: Address | Contact
    reason: str
    signed: Signature


@dataclass(frozen=True)
class EmergencyRelease:
    signed: Signature
    reason: str


@dataclass(frozen=True)
class OutboundCount:
    lines: Units
    parcels: int
    signed: Signature


@dataclass(frozen=True)
class Handover:
    waybills: tuple[str, ...]
    signed: Signature


@dataclass(frozen=True)
class Dispatched:
    carrier: str
    tracking_number: str
    expected_delivery_on: date
    dispatched_on: date
    signed: Signature


@dataclass(frozen=True)
class Cancellation:
    """A held shipment the applied change no longer allows (P7.2)."""

    change_no: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class Receipt:
    delivered_on: date
    received_by: str
    lines: Units
    discrepancy: str
    cash_collected: str
    late: bool
    signed: Signature


@dataclass
class Shipment:
    shipment_id: str
    order_id: str
    lines: Units
    partial: bool
    delivery_address: Address
    contact: Contact
    requested: Signature
    production_order_id: str | None = None
    corrections: list[Correction] = field(default_factory=list)
    status: ShipmentStatus = ShipmentStatus.REQUESTED
    finance: FinanceCheck | None = None
    release: Signature | None = None
    emergency: EmergencyRelease | None = None
    escalate_at: datetime | None = None
    outbound: OutboundCount | None = None
    handover: Handover | None = None
    dispatched: Dispatched | None = None
    receipt: Receipt | None = None
    late_reported: bool = False
    held_for: int | None = None
    """The change this shipment is held for: no handover or dispatch until it is decided."""
    cancellation: Cancellation | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @property
    def handed_over(self) -> bool:
        """It has left with a carrier (handed over, dispatched or delivered)."""
        return self.status in HANDED_OVER_STATUSES

    @property
    def active(self) -> bool:
        """Not cancelled: its units count against the order's."""
        return self.status is not ShipmentStatus.CANCELLED

    def _refuse_if_held(self, act: str) -> None:
        """P5.4, P7.2: a shipment held for an open change is neither handed over nor
        dispatched (409)."""
        if self.held_for is not None:
            held = change_number(self.order_id, self.held_for)
            raise NotAllowedNow(f"{self.shipment_id} is held for change {held}: no {act}")
        if self.status is ShipmentStatus.CANCELLED:
            raise NotAllowedNow(f"{self.shipment_id} is cancelled: no {act}")

    @property
    def finance_passed(self) -> bool:
        return self.finance is not None and self.finance.passed

    @property
    def released(self) -> bool:
        return self.status is not ShipmentStatus.REQUESTED

    def record_check(self, check: FinanceCheck) -> None:
        """P5.2: finance's latest word on the payment condition, in the order finance published
        its checks (one order's events share a partition; finance's own clocks may disagree, so
        their times are not compared); a refusal once the release is signed changes nothing."""
        if self.release is not None and not check.passed:
            return
        self.finance = check
        self._settle_escalation()

    def sign_release(self, signed: Signature) -> None:
        """P5.1: the release signature; it needs finance's check passed (409 before). After an
        emergency release it completes the paperwork."""
        if self.release is not None:
            raise NotAllowedNow(f"{self.shipment_id} is released already")
        if self.status is ShipmentStatus.CANCELLED:
            raise NotAllowedNow(f"{self.shipment_id} is cancelled")
        if not self.finance_passed:
            raise NotAllowedNow(f"finance's check of {self.shipment_id} has not passed")
        self.release = signed
        if self.status is ShipmentStatus.REQUESTED:
            self.status = ShipmentStatus.RELEASED
        self._settle_escalation()
        self.events.append(ShipmentWasReleased(self.shipment_id, "signed"))

    def release_in_emergency(self, signed: Signature, reason: str) -> None:
        """P5.3: released before its signatures, with a reason; what is still missing one
        working day later is escalated."""
        if not reason.strip():
            raise InvalidDecision("an emergency release needs a reason")
        if self.released:
            raise NotAllowedNow(f"{self.shipment_id} is released already")
        self.emergency = EmergencyRelease(signed, reason)
        self.status = ShipmentStatus.RELEASED
        self.escalate_at = one_working_day_after(signed.at)
        self._settle_escalation()
        self.events.append(ShipmentWasReleased(self.shipment_id, "emergency"))

    @property
    def missing(self) -> tuple[Literal["finance", "release"], ...]:
        """The signatures an emergency release still lacks."""
        found: list[Literal["finance", "release"]] = []
        if not self.finance_passed:
            found.append("finance")
        if self.release is None:
            found.append("release")
        return tuple(found)

    def _settle_escalation(self) -> None:
        if self.escalate_at is not None and not self.missing:
            self.escalate_at = None

    def escalate_if_due(self, now: datetime) -> None:
        """P5.3: once, when the working day after the emergency release has passed."""
        if self.escalate_at is None or now < self.escalate_at:
            return
        self.escalate_at = None
        if self.missing:
            self.events.append(ShipmentWasEscalated(self.shipment_id, self.missing))

    def check_outbound(self, counted: Units, parcels: int, signed: Signature) -> None:
        """P5.4: every product's counted units equal the shipment's (422 with the differences)."""
        if not self.released:
            raise NotAllowedNow(f"{self.shipment_id} is not released")
        if self.status not in (ShipmentStatus.RELEASED, ShipmentStatus.CHECKED):
            raise NotAllowedNow(f"{self.shipment_id} is {self.status.value}")
        wrong = differences(self.lines, counted)
        if wrong:
            listed = "; ".join(f"{c}: shipment {e}, counted {f}" for c, (e, f) in wrong.items())
            raise InvalidDecision(f"the counted goods differ from the shipment: {listed}")
        self.outbound = OutboundCount(dict(counted), parcels, signed)
        self.status = ShipmentStatus.CHECKED

    def hand_over(self, waybills: tuple[str, ...], parcels: int, signed: Signature) -> None:
        """P5.3, P5.4: waybills, the parcels counted and the outbound check's parcels agree;
        never while held for a change (P7.2)."""
        self._refuse_if_held("handover")
        if not self.released:
            raise NotAllowedNow(f"{self.shipment_id} is not released: no handover")
        if self.status is not ShipmentStatus.CHECKED or self.outbound is None:
            raise NotAllowedNow(f"{self.shipment_id} is {self.status.value}, not checked")
        if len(set(waybills)) != len(waybills):
            raise InvalidDecision("a waybill number is given twice")
        if not len(waybills) == parcels == self.outbound.parcels:
            raise InvalidDecision(
                f"{len(waybills)} waybills, {parcels} parcels counted, "
                f"{self.outbound.parcels} parcels checked: they must agree"
            )
        self.handover = Handover(waybills, signed)
        self.status = ShipmentStatus.HANDED_OVER

    def dispatch(self, notice: Dispatch, signed: Signature) -> None:
        """P5.3, P5.5: never without a release, never while held; the shipping notice goes
        out."""
        self._refuse_if_held("dispatch")
        if not self.released:
            raise NotAllowedNow(f"{self.shipment_id} is not released: no dispatch")
        if self.status is not ShipmentStatus.HANDED_OVER:
            raise NotAllowedNow(f"{self.shipment_id} is {self.status.value}, not handed over")
        if notice.expected_delivery_on < signed.at.date():
            raise InvalidDecision("the expected delivery day cannot be before the dispatch day")
        self.dispatched = Dispatched(
            notice.carrier,
            notice.tracking_number,
            notice.expected_delivery_on,
            signed.at.date(),
            signed,
        )
        self.status = ShipmentStatus.DISPATCHED
        self.events.append(GoodsWereShipped(self.shipment_id))

    def deliver(self, receipt: RecordDelivery, signed: Signature) -> Receipt:
        """P5.6: the signed receipt of a dispatched shipment; quantities that differ from what
        was shipped need the discrepancy described."""
        if self.status is not ShipmentStatus.DISPATCHED or self.dispatched is None:
            raise NotAllowedNow(f"{self.shipment_id} is {self.status.value}, not dispatched")
        lines = self.lines if receipt.lines is None else receipt.lines
        if differences(self.lines, lines) and not receipt.discrepancy.strip():
            raise InvalidDecision("quantities differ from what was shipped: describe why")
        if receipt.delivered_on < self.dispatched.dispatched_on:
            raise InvalidDecision("delivered before it was dispatched")
        if receipt.delivered_on > signed.at.date():
            raise InvalidDecision("a delivery receipt cannot be dated in the future")
        self.receipt = Receipt(
            receipt.delivered_on,
            receipt.received_by,
            dict(lines),
            receipt.discrepancy,
            str(receipt.cash_collected),
            self.late_reported or receipt.delivered_on > self.dispatched.expected_delivery_on,
            signed,
        )
        self.status = ShipmentStatus.DELIVERED
        return self.receipt

    def cancel(self, change_no: int, reason: str, at: datetime) -> None:
        """P7.2: the applied change no longer allows this shipment, which has not left."""
        self.status = ShipmentStatus.CANCELLED
        self.held_for = None
        self.escalate_at = None
        self.cancellation = Cancellation(change_no, reason, at)
        self.events.append(ShipmentWasCancelled(self.shipment_id))

    def flag_if_late(self, today: date) -> None:
        """P5.6: once, when the expected day has passed without a receipt."""
        if self.status is not ShipmentStatus.DISPATCHED or self.dispatched is None:
            return
        if self.late_reported or today <= self.dispatched.expected_delivery_on:
            return
        self.late_reported = True
        days = (today - self.dispatched.expected_delivery_on).days
        self.events.append(DeliveryWasLate(self.shipment_id, days))
