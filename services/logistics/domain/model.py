"""The shipping of one order: what was ordered, produced and shipped, and its shipments
(P5.1, P5.6). Shipments are numbered SH-<order id>-<n>, n from 1 per order."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from services.logistics.domain.commands import (
    Placement,
    RecordDelivery,
    RecordProduction,
    RequestShipment,
    Units,
)
from services.logistics.domain.events import GoodsWereDelivered, ShipmentWasRequested
from services.logistics.domain.shipment import Correction, Shipment
from shared.decisions import AUTOMATIC_POLICY_USER, InvalidDecision, NotAllowedNow, Signature
from shared.delivery_dates import DateSource, moves

AUTOMATIC_RELEASE = AUTOMATIC_POLICY_USER
"""Who is recorded as releasing a shipment the automatic policy released."""

DEFAULT_CARRIER = "DHL Freight"
"""The carrier the automatic policy ships with."""

MAX_SHIPMENTS = 999_999
"""Shipments of one order: SH-<the longest order id>-999999 is a 50-character number."""


def shipment_number(order_id: str, n: int = 1) -> str:
    """Logistics' number for an order's n-th shipment: SH-<order id>-<n>."""
    return f"SH-{order_id}-{n}"


def tracking_number_for(shipment_id: str) -> str:
    """A stand-in for the carrier's tracking number until a carrier is connected: stable per
    shipment, so a replayed dispatch yields the same number (P5.5)."""
    return "TRK" + hashlib.sha1(shipment_id.encode()).hexdigest()[:12].upper()


def waybill_for(shipment_id: str) -> str:
    """The automatic policy's one waybill of a shipment: WB-<shipment id without SH->."""
    return "WB-" + shipment_id.removeprefix("SH-")


@dataclass
class OrderShipping:
    order_id: str
    placement: Placement | None = None
    tier: str | None = None
    delivery_date: date | None = None
    """The order's current delivery date (see `dates.py`)."""
    delivery_date_source: DateSource | None = None
    delivery_date_version: int = 1
    """The order's version the current delivery date comes from (P7.3, see `dates.py`)."""
    produced: Units = field(default_factory=dict)
    produced_at: datetime | None = None
    production_order_id: str | None = None
    taken: Units = field(default_factory=dict)
    """Units in shipments requested so far."""
    shipments: int = 0
    delivered: int = 0
    cancelled: int = 0
    """Shipments cancelled by an applied change (P7.2)."""
    outcome: str | None = None
    version: int = 1
    """The highest change applied from change.decided (1: the order as placed)."""
    applied: Units | None = None
    """The ordered units of the applied version; None: as placed (P7.2)."""
    pending_change: int | None = None
    """A change requested and not decided, that holds the shipments not handed over."""
    answered: int = 1
    """The highest change acknowledged: each is acknowledged once (P7.1)."""
    returns: int = 0
    """Returns numbered so far, RT-<order id>-<n> (P7.5)."""

    # -- what other departments report ----------------------------------------------------------

    def place(self, placement: Placement) -> None:
        """order.placed: the first placement counts; a replay changes nothing."""
        if self.placement is None:
            self.placement = placement

    def confirm(self, tier: str, delivery_date: date, version: int = 1) -> None:
        """confirmation.issued (of `version`; above 1 amended, P7.3): the tier, and the
        confirmed date unless a later step or a higher version has set the date already."""
        self.tier = tier
        self.move_delivery(delivery_date, DateSource.CONFIRMED, version)

    def revise_delivery(self, delivery_date: date) -> None:
        """delivery.revised: the date a person agreed after the release (P4.10)."""
        self.move_delivery(delivery_date, DateSource.REVISED)

    def move_delivery(
        self, delivery_date: date, source: DateSource, version: int | None = None
    ) -> None:
        """P3.4, P3.5, P4.10, P7.3: the order's current delivery date, from the confirmation
        of `version`, its late signature, its release or a person's revision (None: of the
        version the current date has), whichever is the latest heard of in any order of
        arrival."""
        version = self.delivery_date_version if version is None else version
        if moves(self.delivery_date_version, self.delivery_date_source, version, source):
            self.delivery_date = delivery_date
            self.delivery_date_source = source
            self.delivery_date_version = version

    def take_change_date(self, delivery_date: date, version: int) -> None:
        """P7.3: the date asked by change n of kind date replaces the dates of lower versions
        only; the amended confirmation of version n brings the confirmed date, which replaces
        it in either order of arrival."""
        if version > self.delivery_date_version:
            self.move_delivery(delivery_date, DateSource.CONFIRMED, version)

    def record_production(self, report: RecordProduction) -> None:
        """goods.produced: the latest finished totals per product replace earlier ones, never
        add to them; a report older than the one applied changes nothing."""
        if self.produced_at is not None and report.at < self.produced_at:
            return
        self.produced = {**self.produced, **report.finished}
        self.produced_at = report.at
        self.production_order_id = report.production_order_id

    def close(self, outcome: str) -> None:
        self.outcome = outcome

    # -- quantities -----------------------------------------------------------------------------

    @property
    def ordered(self) -> Units:
        """What the highest applied version orders: an applied change's lines, else the
        placement's (rule 2 of docs/changes-and-returns.md, in any order of arrival)."""
        if self.applied is not None:
            return self.applied
        return self.placement.ordered if self.placement else {}

    def remaining(self) -> Units:
        """Ordered and not yet in a shipment, per product."""
        return {
            code: units - self.taken.get(code, 0)
            for code, units in self.ordered.items()
            if units > self.taken.get(code, 0)
        }

    def available(self) -> Units:
        """Produced (up to what was ordered) and not yet in a shipment, per product."""
        return {
            code: free
            for code, left in self.remaining().items()
            if (free := min(left, self.produced.get(code, 0) - self.taken.get(code, 0))) > 0
        }

    # -- the shipping request (P5.1) ------------------------------------------------------------

    def request(self, command: RequestShipment, signed: Signature) -> Shipment:
        """P5.1: a shipment of what is produced and not shipped (all of it by default); less
        than the order's remaining quantities needs the customer's agreement, a changed address
        or contact a reason."""
        if self.placement is None:
            raise NotAllowedNow(f"the order {self.order_id} has not reached logistics yet")
        if self.outcome is not None:
            raise NotAllowedNow(f"the order {self.order_id} is closed ({self.outcome})")
        if self.shipments >= MAX_SHIPMENTS:
            raise NotAllowedNow(f"the order {self.order_id} has {MAX_SHIPMENTS} shipments")
        available = self.available()
        if not available:
            raise NotAllowedNow(f"nothing of {self.order_id} is produced and not shipped")
        asked = available if command.lines is None else command.lines
        lines = {code: units for code, units in asked.items() if units > 0}
        self._check_lines(lines, available)
        partial = lines != self.remaining()
        if partial and not command.partial_agreement.strip():
            raise InvalidDecision(
                "the request takes less than the order's remaining quantities: record the "
                "customer's agreement to a partial shipment"
            )
        corrections = self._corrections(command, signed)
        self.shipments += 1
        self.taken = {
            code: self.taken.get(code, 0) + lines.get(code, 0) for code in {*self.taken, *lines}
        }
        shipment = Shipment(
            shipment_id=shipment_number(self.order_id, self.shipments),
            order_id=self.order_id,
            lines=lines,
            partial=partial,
            delivery_address=command.delivery_address or self.placement.delivery_address,
            contact=command.contact or self.placement.contact,
            requested=signed,
            production_order_id=self.production_order_id,
            corrections=corrections,
            held_for=self.pending_change,
        )
        shipment.events.append(ShipmentWasRequested(shipment.shipment_id))
        return shipment

    @staticmethod
    def _check_lines(lines: Units, available: Units) -> None:
        beyond = {
            code: (units, available.get(code, 0))
            for code, units in lines.items()
            if units > available.get(code, 0)
        }
        if beyond:
            listed = "; ".join(f"{c}: asked {a}, available {f}" for c, (a, f) in beyond.items())
            raise InvalidDecision(f"the request exceeds what is available: {listed}")
        if not any(units > 0 for units in lines.values()):
            raise InvalidDecision("a shipment takes at least one unit")

    def _corrections(self, command: RequestShipment, signed: Signature) -> list[Correction]:
        assert self.placement is not None
        found: list[Correction] = []
        reason = command.correction_reason
        if command.delivery_address and command.delivery_address != self.placement.delivery_address:
            found.append(
                Correction(
                    "delivery_address",
                    self.placement.delivery_address,
                    command.delivery_address,
                    reason,
                    signed,
                )
            )
        if command.contact and command.contact != self.placement.contact:
            found.append(
                Correction("contact", self.placement.contact, command.contact, reason, signed)
            )
        if found and not reason.strip():
            raise InvalidDecision("a corrected address or contact needs a reason")
        return found

    # -- delivery (P5.6) ------------------------------------------------------------------------

    def record_delivery(
        self, shipment: Shipment, receipt: RecordDelivery, signed: Signature
    ) -> None:
        """P5.6: the order is delivered when nothing is left to ship and every shipment has
        its receipt."""
        shipment.deliver(receipt, signed)
        self.delivered += 1
        settled = self.delivered + self.cancelled
        order_delivered = not self.remaining() and settled == self.shipments
        shipment.events.append(GoodsWereDelivered(shipment.shipment_id, order_delivered))
