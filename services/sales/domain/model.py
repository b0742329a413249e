"""The sales order and its life: registered (held, awaiting written confirmation or placed),
reviewed, confirmed, released for production, delayed and given a new date, shipped, late,
delivered, paid, closed (P1, P2.6, P3, P4.10, P5.6, P7.6)."""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

from services.sales.domain.changes import (
    Asked,
    Change,
    ChangeStatus,
    ChangeWasDecided,
    ChangeWasRequested,
    changed_lines,
    check_change_authority,
    new_change,
)
from services.sales.domain.commands import VERBAL_CHANNELS, Decider, Line, PlaceOrder
from services.sales.domain.intake import Defect, IntakeFacts, intake_defects
from services.sales.domain.master import CENT, HUNDRED, Customer, Tier
from services.sales.domain.replacements import Replacement
from shared.contracts.bounds import DATE_MAX
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, NotFound

__all__ = [
    "VERBAL_CHANNELS",
    "Decider",
    "Line",
    "PlaceOrder",
]

ORDER_ENTRY_ROLES = frozenset({"sales_rep", "sales_manager", "customer_service", "general_manager"})
"""Who may enter an order at the sales desk (P1.1, P8.1)."""
CONFIRMATION_ROLES = frozenset({"sales_rep", "sales_manager", "customer_service"})
"""Who may record the customer's written or signed confirmation (P1.1, P3.1, P8.1)."""
HOLD_ROLES = frozenset({"sales_manager"})
"""Who may stop an order's release for production and lift that hold (P8.1)."""
DELIVERY_DATE_ROLES = frozenset({"sales_manager", "general_manager"})
"""Who may record a new delivery date agreed with the customer after a delay (P4.10, P8.1)."""

Gate = Literal["a_tier_before_signature", "signed_and_deposit", "signed", "replacement"]


class OrderStatus(StrEnum):
    AWAITING_WRITTEN_CONFIRMATION = "awaiting_written_confirmation"
    HELD = "held"
    PLACED = "placed"
    CONFIRMED = "confirmed"
    RELEASED = "released"
    CLOSED = "closed"


class Outcome(StrEnum):
    FULFILLED = "fulfilled"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Decision:
    """A person's decision on the order, kept for its history (P7.6, P8.1)."""

    kind: str
    user: str
    role: str
    at: datetime
    detail: str = ""


@dataclass(frozen=True)
class Delay:
    """Production's report that the order will miss its confirmed date (P4.10), as sales
    recorded it: what makes it late, the date production measured against, the earliest date
    it can now be delivered, in words, when it came and the event that brought it."""

    production_order_id: str
    cause: str
    confirmed_delivery_date: date
    expected_delivery_date: date
    reason: str
    reported_at: datetime
    event_id: str


@dataclass(frozen=True)
class ShipmentDelivery:
    """What sales knows of one shipment's delivery (P5.6): the day the shipping notice gave and
    how late it is, once logistics reported it late; the day the customer signed, once
    delivered. A delivered shipment is no longer late, whatever arrives after."""

    shipment_id: str
    late_expected_on: date | None = None
    days_late: int | None = None
    delivered_on: date | None = None

    @property
    def late(self) -> bool:
        return self.late_expected_on is not None and self.delivered_on is None


@dataclass(frozen=True)
class OrderWasPlaced:
    order_id: str


@dataclass(frozen=True)
class OrderWasHeld:
    order_id: str
    reasons: tuple[Defect, ...]


@dataclass(frozen=True)
class ConfirmationWasIssued:
    order_id: str
    tier: Tier
    confirmed_delivery_date: date
    sent_on: date
    deposit_amount: Decimal
    version: int = 1
    """Above 1: the amended confirmation of that version (P7.3)."""


@dataclass(frozen=True)
class ConfirmationWasSigned:
    order_id: str
    received_on: date
    days_late: int
    expected_delivery_date: date
    version: int = 1


@dataclass(frozen=True)
class OrderWasReleased:
    order_id: str
    gate: Gate
    delivery_date: date
    version: int = 1
    """Above 1: the lines of an amended confirmation, whose extra quantity it releases (P7.3)."""


@dataclass(frozen=True)
class Amendment:
    """What an amended confirmation needs besides the change (P7.3): the date the new round
    confirmed, the day it goes out and the customer's deposit percentage."""

    confirmed_delivery_date: date
    sent_on: date
    deposit_percent: Decimal


@dataclass(frozen=True)
class DeliveryWasRevised:
    order_id: str
    delivery_date: date
    previous_delivery_date: date
    reason: str
    agreed: Decider


@dataclass(frozen=True)
class OrderWasClosed:
    order_id: str
    outcome: Outcome


@dataclass(frozen=True)
class ResubmissionRefused:
    """A submission that differs from the order it repeats, after the order was placed: the
    submitter is told that a change is a change request (P1.6, P7.1), not a resubmission."""

    order_id: str
    reason: str


DomainEvent = (
    ResubmissionRefused
    | OrderWasPlaced
    | OrderWasHeld
    | ConfirmationWasIssued
    | ConfirmationWasSigned
    | OrderWasReleased
    | DeliveryWasRevised
    | OrderWasClosed
    | ChangeWasRequested
    | ChangeWasDecided
)


@dataclass(frozen=True)
class Confirmation:
    """The order confirmation as sent to the customer (P3.1), and whether it came back."""

    tier: Tier
    confirmed_delivery_date: date
    sent_on: date
    deposit_amount: Decimal
    expected_delivery_date: date
    signed_received_on: date | None


def deposit_for(total: Decimal, tier: Tier, deposit_percent: Decimal) -> Decimal:
    """The deposit asked before production: total x deposit % for B and C, none for A (P3.3)."""
    if tier == "A":
        return Decimal("0.00")
    return (total * deposit_percent / HUNDRED).quantize(CENT, ROUND_HALF_UP)


def check_entry_authority(by: Decider) -> None:
    """Only sales staff and the general manager enter orders at the desk (P8.1)."""
    if by.role not in ORDER_ENTRY_ROLES:
        raise BeyondAuthority(f"role {by.role} may not enter orders")


def _require(by: Decider, roles: frozenset[str], decision: str) -> None:
    if by.role not in roles:
        raise BeyondAuthority(f"role {by.role} may not {decision}")


@dataclass
class Order:
    order_id: str
    submitter: str
    customer_reference: str
    customer_id: str
    channel: str
    currency: str
    lines: tuple[Line, ...]
    requested_delivery_date: date
    delivery_address: dict[str, Any] | None
    contact: dict[str, Any]
    stated_total: Decimal | None = None
    payment_terms: str | None = None
    status: OrderStatus = OrderStatus.PLACED
    reasons: tuple[Defect, ...] = ()
    tier: Tier | None = None
    confirmed_delivery_date: date | None = None
    confirmation_sent_on: date | None = None
    deposit_amount: Decimal | None = None
    paid_total: Decimal = Decimal("0.00")
    signed_received_on: date | None = None
    days_late: int | None = None
    expected_delivery_date: date | None = None
    release_gate: Gate | None = None
    manual_hold: str | None = None
    shipped: bool = False
    delivered: bool = False
    """Logistics reported the whole order delivered (P5.6): nothing left to ship, every
    shipment signed for."""
    deliveries: dict[str, ShipmentDelivery] = field(default_factory=dict)
    """Per shipment, what logistics reported of its delivery: late, delivered (P5.6)."""
    settled: bool = False
    outcome: Outcome | None = None
    decline_reason: str = ""
    awaiting_new_delivery_date: bool = False
    version: int = 1
    """The applied version: 1 as placed, n once change n was applied (P7.1)."""
    open_change: int | None = None
    """A change after confirmation not decided yet: the release waits for it (P7.2)."""
    confirmation_version: int = 1
    """The version the confirmation last sent confirms: above 1, an amended one (P7.3)."""
    release_version: int = 0
    """The version production was last released with (0: not released); below `version`
    after an increase, whose extra waits for the amended confirmation's gates (P7.3)."""
    replacement_for: Replacement | None = None
    """A replacement of returned goods (P7.5): what it replaces; None for a customer's order."""
    requirements: str = ""
    """The product requirements in words, as a change set them ("": none stated, P7.3)."""
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)
    decisions: list[Decision] = field(default_factory=list, compare=False, repr=False)
    entrant: Decision | None = field(default=None, compare=False, repr=False)
    """Who entered this version of the order at the desk, in this unit of work (P8.1)."""
    """Decisions made since the order was loaded; the stored history is read on its own."""
    delays: list[Delay] = field(default_factory=list, compare=False, repr=False)
    """Delays recorded since the order was loaded; the stored ones are read on their own."""

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def released(self) -> bool:
        """Released for production (P3.2, P3.3), with some version."""
        return self.release_version > 0

    @property
    def delivery_late(self) -> bool:
        """A shipment of the order is past the day its shipping notice gave and not delivered
        (P5.6); cleared when it is delivered, or the whole order is."""
        return not self.delivered and any(item.late for item in self.deliveries.values())

    @property
    def late_delivery_expected_on(self) -> date | None:
        """The earliest day a late, undelivered shipment was expected (P5.6); None: none late."""
        days = [
            item.late_expected_on
            for item in self.deliveries.values()
            if item.late and item.late_expected_on is not None
        ]
        return min(days) if days and not self.delivered else None

    @property
    def deposit_required(self) -> bool:
        return bool(self.deposit_amount)

    @property
    def deposit_received(self) -> bool:
        """The deposit gate (P3.3): open once the money received reaches the deposit (paying
        the whole order does too: the deposit is part of it); a partial deposit keeps it shut."""
        return self.deposit_amount is not None and self.paid_total >= self.deposit_amount > 0

    # -- intake (P1.1, P1.2, P1.3, P1.4, P1.6) -----------------------------------------------

    @classmethod
    def register(
        cls, order_id: str, command: PlaceOrder, facts: IntakeFacts, by: Decider | None = None
    ) -> "Order":
        """Register a submission under its number (P1.2) and check it (P1.3); a verbal order
        waits for the customer's written confirmation instead (P1.1)."""
        if by is not None:
            check_entry_authority(by)
        order = cls._of(order_id, command)
        order._take(command, by)
        order._proceed(facts)
        return order

    @classmethod
    def _of(cls, order_id: str, command: PlaceOrder, **state: Any) -> "Order":
        return cls(
            order_id=order_id,
            submitter=command.submitter,
            customer_reference=command.customer_reference,
            customer_id=command.customer_id,
            channel=command.channel,
            currency=command.currency,
            lines=command.lines,
            requested_delivery_date=command.requested_delivery_date,
            delivery_address=command.delivery_address,
            contact=command.contact,
            **state,
        )

    @classmethod
    def register_replacement(
        cls, order_id: str, command: PlaceOrder, replacement: Replacement
    ) -> "Order":
        """P7.5: a replacement of returned goods, registered under its own number and placed
        at once: its products and customer are the original order's, and it owes nothing (no
        price to check, settled from the start)."""
        order = cls._of(
            order_id,
            command,
            stated_total=command.stated_total,
            settled=True,
            replacement_for=replacement,
        )
        order.events.append(OrderWasPlaced(order_id))
        return order

    def resubmit(
        self,
        command: PlaceOrder,
        facts: IntakeFacts,
        by: Decider | None = None,
        now: datetime | None = None,
    ) -> None:
        """The same submission again (P1.6). A held or verbal order takes the new version and is
        checked again (a written version is the written confirmation, P1.1); an order already
        placed is one order: the same submission again changes nothing, a different one is
        answered, never dropped (refused at the desk, order.rejected on the bus)."""
        if by is not None:
            check_entry_authority(by)
        if self.status is OrderStatus.HELD:
            self._take(command, by)
            self._proceed(facts)
        elif self.status is OrderStatus.AWAITING_WRITTEN_CONFIRMATION:
            if command.is_verbal and command == self.as_submitted():
                return
            self._take(command, by)
            self._proceed(facts)
        elif command != self.as_submitted():
            moment = now or (by.at if by else datetime.combine(facts.today, time(), UTC))
            self._resubmitted_change(command, by, moment)

    def _resubmitted_change(
        self, command: PlaceOrder, by: Decider | None, now: datetime | None
    ) -> None:
        """A differing resubmission of a placed order is a change request (P1.6, P7.1) when
        it differs only in quantities or the date; otherwise, or when the change cannot be
        taken, the submitter is told why, and the order stays as it is."""
        try:
            asked = self._asked_by(command)
            self.request_change(asked, via="resubmission", by=None, now=now)
        except (NotAllowedNow, InvalidDecision) as refused:
            reason = (
                f"order {self.order_id} is {self.status.value} already and this submission "
                f"differs from it: {refused.message}; the order stays as it is"
            )
            if by is not None:
                raise NotAllowedNow(reason) from None
            self.events.append(ResubmissionRefused(self.order_id, reason))

    def _asked_by(self, command: PlaceOrder) -> Asked:
        mine, theirs = self.as_submitted(), command
        differing = [
            name
            for name in ("channel", "currency", "delivery_address", "contact", "payment_terms")
            if getattr(mine, name) != getattr(theirs, name)
        ]
        if differing:
            raise NotAllowedNow(
                f"{', '.join(differing)} cannot be changed by a resubmission (P7.1)"
            )
        current = {line.line_no: line for line in self.lines}
        for line in command.lines:
            known = current.get(line.line_no)
            if known is None or (known.product_code, known.unit_price) != (
                line.product_code,
                line.unit_price,
            ):
                raise NotAllowedNow(
                    f"line {line.line_no} is not a quantity change of the order's line: "
                    "products and prices are changed at the sales desk"
                )
        quantities = {number: 0 for number in current}
        quantities.update({line.line_no: line.quantity for line in command.lines})
        return Asked(quantities, command.requested_delivery_date, False, "resubmitted")

    def as_submitted(self) -> PlaceOrder:
        """The submission this order currently holds."""
        return PlaceOrder(
            submitter=self.submitter,
            customer_reference=self.customer_reference,
            customer_id=self.customer_id,
            channel=self.channel,
            currency=self.currency,
            lines=self.lines,
            stated_total=self.stated_total,
            requested_delivery_date=self.requested_delivery_date,
            delivery_address=self.delivery_address,
            contact=self.contact,
            payment_terms=self.payment_terms,
        )

    def confirm_in_writing(self, by: Decider, facts: IntakeFacts) -> None:
        """Sales records the customer's written confirmation of a verbal order; it then goes
        through the intake check like any written order (P1.1, P1.3)."""
        _require(by, CONFIRMATION_ROLES, "record a written confirmation")
        if self.status is not OrderStatus.AWAITING_WRITTEN_CONFIRMATION:
            raise NotAllowedNow(
                f"order {self.order_id} is {self.status.value}, not awaiting a written confirmation"
            )
        self._decide("written_confirmation", by)
        self._check(facts)

    def _take(self, command: PlaceOrder, by: Decider | None) -> None:
        self.customer_id = command.customer_id
        self.channel = command.channel
        self.currency = command.currency
        self.lines = command.lines
        self.stated_total = command.stated_total
        self.requested_delivery_date = command.requested_delivery_date
        self.delivery_address = command.delivery_address
        self.contact = command.contact
        self.payment_terms = command.payment_terms
        if by is not None:
            self._decide("entered", by, f"channel {command.channel}")
            self.entrant = self.decisions[-1]

    def _proceed(self, facts: IntakeFacts) -> None:
        if self.channel in VERBAL_CHANNELS:
            self.tier = facts.customer.tier if facts.customer else None
            self.status = OrderStatus.AWAITING_WRITTEN_CONFIRMATION
            self.reasons = (
                Defect(
                    "channel",
                    f"verbal order by {self.channel}: waits for the customer's written "
                    "confirmation (P1.1)",
                ),
            )
            self.events.append(OrderWasHeld(self.order_id, self.reasons))
        else:
            self._check(facts)

    def _check(self, facts: IntakeFacts) -> None:
        self.tier = facts.customer.tier if facts.customer else None
        defects = intake_defects(self.as_submitted(), facts)
        if defects:
            self.status = OrderStatus.HELD
            self.reasons = tuple(defects)
            self.events.append(OrderWasHeld(self.order_id, self.reasons))
        else:
            self.status = OrderStatus.PLACED
            self.reasons = ()
            self.events.append(OrderWasPlaced(self.order_id))

    # -- review, confirmation and release (P2.6, P3.1, P3.2, P3.3, P3.4, P3.5) ----------------

    def record_review(
        self,
        approved: bool,
        confirmed_date: date | None,
        reason: str,
        customer: Customer | None,
        today: date,
        version: int = 1,
    ) -> None:
        """Review's verdict. Approved: the confirmation goes to the customer today, with the
        deposit B and C owe (P3.1, P3.3), and an A-tier order is released at once (P3.2).
        Declined: the order closes with the reason (P2.6). Only a placed order takes one."""
        if self.status is not OrderStatus.PLACED or version < self.version:
            return  # decided already, or a verdict on content a change replaced (P7.4)
        if not approved:
            self.decline_reason = reason
            self._close(Outcome.DECLINED)
            return
        self.status = OrderStatus.CONFIRMED
        self.tier = customer.tier if customer else (self.tier or "C")
        self._send_confirmation(
            confirmed_date or self.requested_delivery_date,
            today,
            customer.deposit_percent if customer else Decimal(0),
        )
        self._release_if_ready()
        self._close_if_fulfilled()

    def confirmation(self) -> Confirmation:
        """The confirmation sent to the customer (P3.1); none before review approved."""
        if (
            self.confirmation_sent_on is None
            or self.confirmed_delivery_date is None
            or self.tier is None
            or self.deposit_amount is None
        ):
            raise NotFound(f"no order confirmation has been issued for order {self.order_id}")
        return Confirmation(
            tier=self.tier,
            confirmed_delivery_date=self.confirmed_delivery_date,
            sent_on=self.confirmation_sent_on,
            deposit_amount=self.deposit_amount,
            expected_delivery_date=self.expected_delivery_date or self.confirmed_delivery_date,
            signed_received_on=self.signed_received_on,
        )

    def record_signed_confirmation(
        self, received_on: date, by: Decider, version: int | None = None
    ) -> None:
        """The customer returned the signed confirmation (P3.1), of `version` (None: the one
        last sent; another than that is refused). Each day after the day it was sent moves the
        expected date back a day (P3.4) for B and C, whose production waits for it (P3.3); an
        A-tier order, already released, just files it (P3.2). A signed amended confirmation
        releases the extra quantity of B and C once the new deposit is in (P7.3); it does not
        move the date of what is already released."""
        _require(by, CONFIRMATION_ROLES, "record a signed confirmation")
        confirmation = self.confirmation_if_issued()
        if version is not None and version != self.confirmation_version:
            raise NotAllowedNow(
                f"the confirmation last sent for order {self.order_id} is of version "
                f"{self.confirmation_version}, not {version}"
            )
        if self.signed_received_on is not None:
            raise NotAllowedNow(
                f"the signed confirmation of order {self.order_id} was already filed "
                f"(received on {self.signed_received_on})"
            )
        if received_on > by.at.date():
            raise InvalidDecision(
                f"a signed confirmation cannot be received after today ({by.at.date()}), "
                f"not on {received_on}"
            )
        days_late = max(0, (received_on - confirmation.sent_on).days)
        expected = confirmation.expected_delivery_date
        if confirmation.tier != "A" and not self.released:
            if (DATE_MAX - confirmation.confirmed_delivery_date).days < days_late:
                raise NotAllowedNow(
                    f"a signed confirmation received on {received_on} would move the delivery "
                    f"date of order {self.order_id} beyond {DATE_MAX}"
                )
            expected = confirmation.confirmed_delivery_date + timedelta(days=days_late)
        self.signed_received_on = received_on
        self.days_late = days_late
        self.expected_delivery_date = expected
        self._decide("signed_confirmation", by, f"received on {received_on}")
        self.events.append(
            ConfirmationWasSigned(
                self.order_id, received_on, days_late, expected, self.confirmation_version
            )
        )
        self._release_if_ready()

    def confirmation_if_issued(self) -> Confirmation:
        try:
            return self.confirmation()
        except NotFound as missing:
            raise NotAllowedNow(missing.message) from None

    def hold(self, reason: str, by: Decider) -> None:
        """The sales manager stops the order's release for production until lifted (P8.1)."""
        _require(by, HOLD_ROLES, "hold an order")
        if self.status is OrderStatus.CLOSED:
            raise NotAllowedNow(f"order {self.order_id} is closed")
        if self.released:
            raise NotAllowedNow(f"order {self.order_id} is already released for production")
        if self.manual_hold is not None:
            raise NotAllowedNow(f"order {self.order_id} is already on hold: {self.manual_hold}")
        self.manual_hold = reason
        self._decide("hold", by, reason)

    def release_hold(self, by: Decider) -> None:
        """The sales manager lifts a hold; the order is released if its gates are passed."""
        _require(by, HOLD_ROLES, "lift a hold")
        if self.manual_hold is None:
            raise NotAllowedNow(f"order {self.order_id} is not on hold")
        self._decide("release_hold", by, self.manual_hold)
        self.manual_hold = None
        self._release_if_ready()

    def _release_if_ready(self) -> None:
        """The release for production (P3.2, P3.3): A at once; B and C once the signed
        confirmation is back and the deposit, where one is due, has arrived. After an increase
        the extra quantity is released again by the same gates, on the amended confirmation
        (P7.3); what was released before keeps going meanwhile."""
        more = self.status is OrderStatus.RELEASED and self.release_version < self.version
        first = self.status is OrderStatus.CONFIRMED and not self.released
        if not (first or more) or self.manual_hold or self.open_change is not None:
            return
        confirmation = self.confirmation()
        gate: Gate
        if self.replacement_for is not None:
            gate = "replacement"  # owes nothing: released on approval (P7.5)
            delivery_date = confirmation.confirmed_delivery_date
        elif confirmation.tier == "A":
            gate = "a_tier_before_signature"
            delivery_date = confirmation.confirmed_delivery_date
        else:
            if confirmation.signed_received_on is None:
                return
            if confirmation.deposit_amount > 0 and not self.deposit_received:
                return
            gate = "signed_and_deposit" if confirmation.deposit_amount > 0 else "signed"
            delivery_date = confirmation.expected_delivery_date
        self.release_gate = gate
        self.release_version = self.version
        self.status = OrderStatus.RELEASED
        self.events.append(OrderWasReleased(self.order_id, gate, delivery_date, self.version))

    # -- delays and a new delivery date (P4.10) -----------------------------------------------

    def record_delay(self, delay: Delay) -> None:
        """Production reports the order will miss its confirmed date (P4.10). Every report is
        kept. The order then waits for a new date agreed with the customer, unless the report
        is already overtaken: the order is closed or shipped, or the date agreed since (a
        report that crossed a revision on its way) is no earlier than the one now expected."""
        self.delays.append(delay)
        if (
            self.status is not OrderStatus.CLOSED
            and not self.shipped
            and self.confirmed_delivery_date is not None
            and delay.expected_delivery_date > self.confirmed_delivery_date
        ):
            self.awaiting_new_delivery_date = True

    def revise_delivery_date(self, delivery_date: date, reason: str, by: Decider) -> None:
        """The sales manager (or the general manager) records the new date agreed with the
        customer (P4.10): it becomes the order's confirmed and expected date, what sales and,
        once published, every department work to from now on. Only an open order with a
        confirmed date whose goods have not left takes one, and only a date after today that
        differs from it."""
        _require(by, DELIVERY_DATE_ROLES, "agree a new delivery date")
        if self.status is OrderStatus.CLOSED:
            raise NotAllowedNow(f"order {self.order_id} is closed")
        if self.shipped:
            raise NotAllowedNow(f"order {self.order_id} is already shipped")
        previous = self.confirmed_delivery_date
        if previous is None:
            raise NotAllowedNow(f"order {self.order_id} has no confirmed delivery date yet")
        if delivery_date == previous:
            raise NotAllowedNow(
                f"{delivery_date} is already the confirmed delivery date of order {self.order_id}"
            )
        today = by.at.date()
        if delivery_date <= today:
            raise NotAllowedNow(
                f"a new delivery date must be after today ({today}), not {delivery_date}"
            )
        self.confirmed_delivery_date = delivery_date
        self.expected_delivery_date = delivery_date
        self.awaiting_new_delivery_date = False
        self._decide("delivery_date", by, f"{previous} -> {delivery_date}: {reason}")
        self.events.append(DeliveryWasRevised(self.order_id, delivery_date, previous, reason, by))

    # -- shipment, delivery, money, closing (P5.6, P6.2, P7.6) ---------------------------------

    def record_shipment(self) -> None:
        """Goods left (P5.5). Shipped alone closes nothing: the order closes once delivered and
        settled (P5.6, P7.6)."""
        self.shipped = True
        self.awaiting_new_delivery_date = False  # the goods are out: no date left to agree

    def record_late_delivery(self, shipment_id: str, expected_on: date, days_late: int) -> None:
        """Logistics reports a shipment not delivered by the day its shipping notice gave
        (P5.6): the sales rep sees the order's delivery late, with the day it was expected. A
        report on a shipment already delivered (reports may cross), or after the whole order
        was delivered, changes nothing; a repeated one keeps the latest count of days."""
        current = self.deliveries.get(shipment_id, ShipmentDelivery(shipment_id))
        if self.delivered or current.delivered_on is not None:
            return
        self.deliveries[shipment_id] = replace(
            current, late_expected_on=expected_on, days_late=days_late
        )

    def record_delivery(self, shipment_id: str, delivered_on: date, order_delivered: bool) -> None:
        """The customer signed for a shipment (P5.6): that shipment is no longer late, and once
        logistics says the whole order is delivered, a settled order closes as fulfilled
        (P7.6). A delivery implies the goods left, whether or not goods.shipped came first; a
        repeated one changes nothing, and the order stays delivered once it was."""
        current = self.deliveries.get(shipment_id, ShipmentDelivery(shipment_id))
        if current.delivered_on is None:
            self.deliveries[shipment_id] = replace(current, delivered_on=delivered_on)
        self.shipped = True
        self.awaiting_new_delivery_date = False
        self.delivered = self.delivered or order_delivered
        self._close_if_fulfilled()

    def record_payment(self, paid_total: Decimal, settled: bool, on: date) -> None:
        """Money for the order, at any time (P6.2), as finance's running total, recorded by
        finance `on` that day. The deposit is in once the money received covers it, whatever
        the payments were called, and even when it came before the confirmation (P3.3); a
        deposit completed after the signed confirmation holds production back just as a late
        signature does, so it moves the date a day for each day after the confirmation went
        out (P3.4); full payment lets a delivered order close (P5.6, P7.6)."""
        deposit_was_in = self.deposit_received
        self.paid_total = max(self.paid_total, paid_total)
        self.settled = self.settled or settled
        if not deposit_was_in and self.deposit_received:
            self._move_date_for_late_deposit(on)
        self._release_if_ready()
        self._close_if_fulfilled()

    def _move_date_for_late_deposit(self, on: date) -> None:
        if self.released or self.tier == "A" or self.signed_received_on is None:
            return  # released already, released without waiting, or the signature moves it
        confirmation = self.confirmation_if_issued()
        days_late = min(
            max(0, (on - confirmation.sent_on).days),
            (DATE_MAX - confirmation.confirmed_delivery_date).days,
        )
        moved = confirmation.confirmed_delivery_date + timedelta(days=days_late)
        if moved > confirmation.expected_delivery_date:
            self.expected_delivery_date = moved

    # -- changes and cancellations (P7.1, P7.2, P7.4) ----------------------------------------

    def request_change(
        self, asked: Asked, via: str, by: Decider | None, now: datetime | None = None
    ) -> Change:
        """The customer asks for a change (P7.1). Before confirmation it is applied at once and
        the review starts again (P7.4); after it, a decrease or a cancellation waits for the
        departments' answers (P7.2), and the release waits with it."""
        if by is not None:
            check_change_authority(by)
        if self.status in (OrderStatus.HELD, OrderStatus.AWAITING_WRITTEN_CONFIRMATION):
            raise NotAllowedNow(
                f"order {self.order_id} is {self.status.value}: correct the order itself (P1.3)"
            )
        if self.status is OrderStatus.CLOSED:
            raise NotAllowedNow(f"order {self.order_id} is closed")
        if self.delivered:
            raise NotAllowedNow(f"order {self.order_id} is delivered: raise a return (P7.5)")
        if self.open_change is not None:
            raise NotAllowedNow(
                f"change CR-{self.order_id}-{self.open_change} of order {self.order_id} is "
                "still open: withdraw it first, or wait for its decision"
            )
        moment = by.at if by is not None else now
        assert moment is not None, "a change is recorded at a moment"
        change = new_change(
            order_id=self.order_id,
            version=self.version,
            confirmed=self.status is not OrderStatus.PLACED,
            current=self.lines,
            current_date=self.requested_delivery_date,
            lines=() if asked.cancel else changed_lines(self.lines, asked),
            requested_delivery_date=asked.requested_delivery_date or self.requested_delivery_date,
            cancel=asked.cancel,
            reason=asked.reason,
            via=via,
            by=by,
            now=moment,
            current_requirements=self.requirements,
            requirements=asked.requirements,
        )
        self.events.append(ChangeWasRequested(self.order_id, change))
        if by is not None:
            self._decide("change", by, f"{change.number}: {asked.reason}")
        if change.stage == "before_confirmation":
            change.status = ChangeStatus.APPLIED
            change.decided = by
            self.settle_change(change)
        else:
            self.open_change = change.change_no
        return change

    def settle_change(self, change: Change, amendment: Amendment | None = None) -> None:
        """Publish a change's decision once it is taken, and apply an applied one: the new
        lines and date are the order's from now on; a cancellation closes it (P7.2, P7.4).
        A change reviewed again goes out with its amended confirmation (P7.3)."""
        if change.is_open:
            return
        if self.open_change == change.change_no:
            self.open_change = None
        self.events.append(ChangeWasDecided(self.order_id, change))
        if change.status is ChangeStatus.APPLIED and change.change_no > self.version:
            self.version = change.change_no
            self.requested_delivery_date = change.requested_delivery_date
            if "cancel" in change.kinds:
                self._close(Outcome.CANCELLED)
                return
            self.lines = change.lines
            self.requirements = change.requirements
            if amendment is not None:
                self._amend_confirmation(amendment)
            elif self.deposit_amount is not None:
                self.deposit_amount = min(self.deposit_amount, self.total_amount)
            if "increase" not in change.kinds and self.released:
                self.release_version = self.version  # fewer units need no new release
        self._release_if_ready()
        self._close_if_fulfilled()

    def _amend_confirmation(self, amendment: Amendment) -> None:
        """P7.3: the amended confirmation of the applied version goes to the customer, with
        the new total, the date the round confirmed and the deposit on the new total; a B or C
        customer signs it again."""
        self.signed_received_on = None
        self.days_late = None
        self._send_confirmation(
            amendment.confirmed_delivery_date, amendment.sent_on, amendment.deposit_percent
        )

    def _send_confirmation(self, confirmed: date, sent_on: date, deposit_percent: Decimal) -> None:
        """The confirmation of the applied version, sent on `sent_on` (P3.1): its date, and the
        deposit B and C owe on its total (P3.3)."""
        tier: Tier = self.tier or "C"
        self.confirmation_version = self.version
        self.confirmed_delivery_date = confirmed
        self.expected_delivery_date = confirmed
        self.confirmation_sent_on = sent_on
        self.deposit_amount = deposit_for(self.total_amount, tier, deposit_percent)
        self.events.append(
            ConfirmationWasIssued(
                self.order_id, tier, confirmed, sent_on, self.deposit_amount, self.version
            )
        )

    def _close_if_fulfilled(self) -> None:
        """P5.6, P7.6: an order closes as fulfilled only when logistics reported it delivered
        and finance reported it settled, in whichever order the two arrive."""
        if (
            self.status in (OrderStatus.CONFIRMED, OrderStatus.RELEASED)
            and self.delivered
            and self.settled
        ):
            self._close(Outcome.FULFILLED)

    def _close(self, outcome: Outcome) -> None:
        self.status = OrderStatus.CLOSED
        self.outcome = outcome
        self.awaiting_new_delivery_date = False
        self.events.append(OrderWasClosed(self.order_id, outcome))

    def _decide(self, kind: str, by: Decider, detail: str = "") -> None:
        self.decisions.append(Decision(kind, by.user, by.role, by.at, detail))
