"""A customer's return of delivered goods (P7.5): customer service records what comes back
and why, the sales manager authorises (fixing the remedy) or declines it, the order clerk
receives and unpacks what arrived, QA accepts or rejects each unit, and the dispatcher sends
rejected units back to the customer. Every step is signed and becomes one `return.stepped`.

Pure: the desk loads the shipment and the order's earlier returns and stores the result."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from services.logistics.domain.commands import Units, units
from services.logistics.domain.shipment import Shipment, ShipmentStatus
from shared.decisions import InvalidDecision, NotAllowedNow, Signature

Remedy = Literal["credit", "replacement"]
MAX_RETURNS = 100
"""Returns of one order: RT-<the longest order id>-100 is a 47-character number."""
MAX_RETURN_UNITS = 100_000
"""Units of one product in one return (one wire line's quantity)."""


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    AUTHORISED = "authorised"
    DECLINED = "declined"
    RECEIVED = "received"
    INSPECTED = "inspected"
    SENT_BACK = "sent_back"


@dataclass(frozen=True)
class Verdict:
    """QA's verdict on the received units of one product."""

    accepted: int
    rejected: int


@dataclass(frozen=True)
class Receipt:
    lines: Units
    parcels: int
    note: str
    signed: Signature


@dataclass(frozen=True)
class Inspection:
    verdict: dict[str, Verdict]
    note: str
    signed: Signature


@dataclass(frozen=True)
class SentBack:
    carrier: str
    tracking_number: str
    signed: Signature


@dataclass(frozen=True)
class ReturnStepped:
    """The domain event: the return reached `step` (its status)."""

    step: ReturnStatus


@dataclass
class CustomerReturn:
    return_number: str
    order_id: str
    return_no: int
    shipment_id: str
    lines: Units
    """The units asked for, which the authorisation covers."""
    reason: str
    remedy: Remedy
    requested: Signature
    status: ReturnStatus = ReturnStatus.REQUESTED
    decided: Signature | None = None
    """Who authorised or declined it."""
    decision_note: str = ""
    """The sales manager's reason: required to decline."""
    receipt: Receipt | None = None
    inspection: Inspection | None = None
    sent_back: SentBack | None = None
    events: list[ReturnStepped] = field(default_factory=list, compare=False, repr=False)

    @property
    def counts(self) -> bool:
        """Its units count against what the shipment delivered (every return not declined)."""
        return self.status is not ReturnStatus.DECLINED

    @property
    def rejected(self) -> Units:
        """Units QA rejected, to go back to the customer."""
        verdict = self.inspection.verdict if self.inspection else {}
        return {code: v.rejected for code, v in sorted(verdict.items()) if v.rejected}

    def _require(self, status: ReturnStatus, act: str) -> None:
        if self.status is not status:
            raise NotAllowedNow(
                f"{self.return_number} is {self.status.value}, not {status.value}: no {act}"
            )

    def _step(self) -> None:
        self.events.append(ReturnStepped(self.status))

    def authorise(self, remedy: Remedy | None, note: str, signed: Signature) -> None:
        """The sales manager authorises it, fixing the remedy (None: as asked)."""
        self._require(ReturnStatus.REQUESTED, "authorisation")
        self.remedy = remedy or self.remedy
        self.decided, self.decision_note = signed, note.strip()
        self.status = ReturnStatus.AUTHORISED
        self._step()

    def decline(self, reason: str, signed: Signature) -> None:
        """The sales manager declines it, saying why; its units may be asked for again."""
        self._require(ReturnStatus.REQUESTED, "decision")
        if not reason.strip():
            raise InvalidDecision("declining a return needs a reason")
        self.decided, self.decision_note = signed, reason.strip()
        self.status = ReturnStatus.DECLINED
        self._step()

    def receive(self, received: Units, parcels: int, note: str, signed: Signature) -> None:
        """The order clerk receives and unpacks the goods: never more of a product than was
        authorised (less is recorded as it arrived)."""
        self._require(ReturnStatus.AUTHORISED, "receipt")
        _some_units(received)
        beyond = {
            code: (self.lines.get(code, 0), count)
            for code, count in sorted(received.items())
            if count > self.lines.get(code, 0)
        }
        if beyond:
            listed = "; ".join(f"{c}: authorised {a}, received {r}" for c, (a, r) in beyond.items())
            raise InvalidDecision(f"more received than authorised: {listed}")
        self.receipt = Receipt(dict(received), parcels, note.strip(), signed)
        self.status = ReturnStatus.RECEIVED
        self._step()

    def inspect(self, verdict: dict[str, Verdict], note: str, signed: Signature) -> None:
        """QA accepts or rejects every received unit: accepted plus rejected is what was
        received, product by product."""
        self._require(ReturnStatus.RECEIVED, "inspection")
        assert self.receipt is not None
        found = {code: v.accepted + v.rejected for code, v in verdict.items()}
        if found != self.receipt.lines:
            wrong = sorted(set(found) | set(self.receipt.lines))
            listed = "; ".join(
                f"{c}: received {self.receipt.lines.get(c, 0)}, inspected {found.get(c, 0)}"
                for c in wrong
                if found.get(c) != self.receipt.lines.get(c)
            )
            raise InvalidDecision(f"accepted plus rejected must be the units received: {listed}")
        self.inspection = Inspection(dict(verdict), note.strip(), signed)
        self.status = ReturnStatus.INSPECTED
        self._step()

    def send_back(self, carrier: str, tracking_number: str, signed: Signature) -> None:
        """The dispatcher sends the rejected units back to the customer, once."""
        if self.status is ReturnStatus.SENT_BACK:
            raise NotAllowedNow(f"{self.return_number} was sent back already")
        self._require(ReturnStatus.INSPECTED, "send-back")
        if not self.rejected:
            raise NotAllowedNow(f"QA rejected nothing of {self.return_number}: nothing goes back")
        self.sent_back = SentBack(carrier, tracking_number, signed)
        self.status = ReturnStatus.SENT_BACK
        self._step()


def _some_units(lines: Units) -> None:
    if not lines or any(count < 1 for count in lines.values()):
        raise InvalidDecision("a return names at least one unit of each product it lists")
    heavy = sorted(code for code, count in lines.items() if count > MAX_RETURN_UNITS)
    if heavy:
        raise InvalidDecision(f"at most {MAX_RETURN_UNITS} units per product: {', '.join(heavy)}")


def returnable(shipment: Shipment, earlier: list[CustomerReturn]) -> Units:
    """What the shipment delivered, less the units of its earlier returns not declined."""
    delivered = dict(shipment.receipt.lines) if shipment.receipt else {}
    for other in earlier:
        if other.shipment_id == shipment.shipment_id and other.counts:
            for code, count in other.lines.items():
                delivered[code] = delivered.get(code, 0) - count
    return {code: count for code, count in sorted(delivered.items()) if count > 0}


def request_return(
    number: str,
    return_no: int,
    shipment: Shipment,
    earlier: list[CustomerReturn],
    asked: list[tuple[str, int]],
    reason: str,
    remedy: Remedy,
    signed: Signature,
) -> CustomerReturn:
    """Customer service records a return of goods a delivered shipment brought: never more
    of a product than it delivered less what earlier returns of it asked for."""
    if shipment.status is not ShipmentStatus.DELIVERED:
        raise NotAllowedNow(
            f"{shipment.shipment_id} is {shipment.status.value}, not delivered: no return"
        )
    if not reason.strip():
        raise InvalidDecision("a return needs the customer's reason")
    lines = units(list(asked))
    _some_units(lines)
    left = returnable(shipment, earlier)
    beyond = {code: count for code, count in lines.items() if count > left.get(code, 0)}
    if beyond:
        listed = "; ".join(
            f"{code}: asked {count}, returnable {left.get(code, 0)}"
            for code, count in sorted(beyond.items())
        )
        raise InvalidDecision(
            f"more than {shipment.shipment_id} delivered less earlier returns: {listed}"
        )
    found = CustomerReturn(
        return_number=number,
        order_id=shipment.order_id,
        return_no=return_no,
        shipment_id=shipment.shipment_id,
        lines=lines,
        reason=reason.strip(),
        remedy=remedy,
        requested=signed,
    )
    found.events.append(ReturnStepped(ReturnStatus.REQUESTED))
    return found
