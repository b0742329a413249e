"""People's decisions at the returns desk (P7.5): each checks the role, loads and locks what
it decides on, lets the domain decide, stores the return and turns its steps into
`return.stepped`, in the unit of work's transaction. A refusal raises before anything is
stored, and the unit of work rolls back: nothing changes and nothing is published."""

from dataclasses import dataclass
from uuid import UUID

from services.logistics.adapters import return_rows
from services.logistics.adapters.return_wire import stepped
from services.logistics.desk import Desk
from services.logistics.domain.authority import Act, check
from services.logistics.domain.commands import Units
from services.logistics.domain.returns import (
    MAX_RETURNS,
    CustomerReturn,
    Remedy,
    Verdict,
    request_return,
)
from shared.contracts import Event
from shared.contracts.returns import return_number
from shared.decisions import InvalidDecision, NotAllowedNow, NotFound, Person, Signature


@dataclass(frozen=True)
class Asked:
    """What customer service records for a return."""

    shipment_id: str
    lines: list[tuple[str, int]]
    reason: str
    remedy: Remedy


class ReturnsDesk:
    """One unit of work at the returns desk, on the shipping desk's orders and shipments."""

    def __init__(self, desk: Desk, decision_id: UUID) -> None:
        self.desk = desk
        self.decision_id = decision_id

    def _signed(self, person: Person) -> Signature:
        return Signature.of(person, self.desk.now)

    async def _events(self, found: CustomerReturn, new: bool) -> list[Event]:
        await return_rows.store(self.desk.connection, found, new, self.desk.now)
        events: list[Event] = await self.desk.events(self.decision_id)  # the order's counter
        return events + list(stepped(found, self.decision_id, self.desk.now))

    async def _existing(self, number: str) -> CustomerReturn:
        """The return, read after its order's shipping row is locked: every change of a
        return happens under that lock, as its numbering does."""
        order_id = _order_of(number)
        if order_id is not None:
            await self.desk.order(order_id)
        found = await return_rows.load(self.desk.connection, number)
        if found is None:
            raise NotFound(f"logistics knows no return {number}")
        return found

    async def request(
        self, order_id: str, asked: Asked, person: Person
    ) -> tuple[CustomerReturn, list[Event]]:
        """Customer service records the customer's return of delivered goods."""
        check(person, Act.REQUEST_RETURN)
        order = await self.desk.require_order(order_id)  # locks the order's shipping row
        shipment = await self.desk.shipment(asked.shipment_id)
        if shipment is None or shipment.order_id != order_id:
            raise NotFound(f"order {order_id} has no shipment {asked.shipment_id}")
        if order.returns >= MAX_RETURNS:
            raise NotAllowedNow(f"the order {order_id} has {MAX_RETURNS} returns already")
        earlier = await return_rows.of_order(self.desk.connection, order_id)
        n = max([order.returns, *(r.return_no for r in earlier)]) + 1
        found = request_return(
            return_number(order_id, n),
            n,
            shipment,
            earlier,
            asked.lines,
            asked.reason,
            asked.remedy,
            self._signed(person),
        )
        order.returns = n
        return found, await self._events(found, new=True)

    async def authorise(
        self, number: str, remedy: Remedy | None, note: str, person: Person
    ) -> tuple[CustomerReturn, list[Event]]:
        check(person, Act.AUTHORISE_RETURN)
        found = await self._existing(number)
        found.authorise(remedy, note, self._signed(person))
        return found, await self._events(found, new=False)

    async def decline(
        self, number: str, remedy: Remedy | None, reason: str, person: Person
    ) -> tuple[CustomerReturn, list[Event]]:
        check(person, Act.AUTHORISE_RETURN)
        if remedy is not None:
            raise InvalidDecision("a declined return has no remedy to fix")
        found = await self._existing(number)
        found.decline(reason, self._signed(person))
        return found, await self._events(found, new=False)

    async def receive(
        self, number: str, received: Units, parcels: int, note: str, person: Person
    ) -> tuple[CustomerReturn, list[Event]]:
        check(person, Act.RECEIVE_RETURN)
        found = await self._existing(number)
        found.receive(received, parcels, note, self._signed(person))
        return found, await self._events(found, new=False)

    async def inspect(
        self, number: str, lines: list[tuple[str, int, int]], note: str, person: Person
    ) -> tuple[CustomerReturn, list[Event]]:
        """QA's verdict, as (product, accepted, rejected), each product on one line."""
        check(person, Act.INSPECT_RETURN)
        verdict = {code: Verdict(accepted, rejected) for code, accepted, rejected in lines}
        if len(verdict) != len(lines):
            raise InvalidDecision("each product is inspected on one line")
        found = await self._existing(number)
        found.inspect(verdict, note, self._signed(person))
        return found, await self._events(found, new=False)

    async def send_back(
        self, number: str, carrier: str, tracking_number: str, person: Person
    ) -> tuple[CustomerReturn, list[Event]]:
        check(person, Act.SEND_BACK_RETURN)
        found = await self._existing(number)
        found.send_back(carrier, tracking_number, self._signed(person))
        return found, await self._events(found, new=False)


def _order_of(number: str) -> str | None:
    """The order id in RT-<order id>-<n>, or None for what is no return number."""
    head, _, tail = number.rpartition("-")
    if not number.startswith("RT-") or not tail.isdigit() or len(head) <= 3:
        return None
    return head[3:]
