"""What one unit of work does at the shipping desk (P5.1 to P5.6): it loads the orders and
shipments it touches, lets the domain decide, lets the automatic policy stand in for people
where a deployment switches it on, and at the end stores everything once and turns the domain
events into wire events, once.

Bus handlers, people's decisions and the deadline rounds all work through a `Desk`."""

from copy import copy
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters import repository
from services.logistics.adapters.wire import to_wire
from services.logistics.domain import authority
from services.logistics.domain.commands import Dispatch, RecordDelivery, RequestShipment
from services.logistics.domain.model import (
    AUTOMATIC_RELEASE,
    DEFAULT_CARRIER,
    OrderShipping,
    shipment_number,
    tracking_number_for,
    waybill_for,
)
from services.logistics.domain.shipment import Shipment, ShipmentStatus
from shared.contracts import Event
from shared.decisions import NotAllowedNow, NotFound, Signature, automatic_policy

ORDER, SHIPMENT = "order", "shipment"

POLICY_RECEIVER = AUTOMATIC_RELEASE
"""Who the automatic policy records as signing the delivery receipt."""


class Desk:
    def __init__(
        self,
        connection: AsyncConnection,
        now: datetime,
        policy: bool = False,
        release_authority: Decimal | None = None,
    ) -> None:
        self.connection = connection
        self.now = now
        self.policy = policy
        """The automatic policy stands in for the people (off unless a deployment enables it)."""
        self.release_authority = release_authority
        """The largest shipment the sales manager may release (None: any)."""
        self.orders: dict[str, OrderShipping] = {}
        self.shipments: dict[str, Shipment] = {}
        self._new: set[tuple[str, str]] = set()
        self._loaded: dict[tuple[str, str], OrderShipping | Shipment] = {}
        """As loaded, by id: what did not change is not written again."""
        self.staged: list[Event] = []
        """Events about the order rather than one shipment (a change's acknowledgement)."""

    # -- loading --------------------------------------------------------------------------------

    async def order(self, order_id: str) -> OrderShipping | None:
        if order_id not in self.orders:
            found = await repository.load_order(self.connection, order_id)
            if found is None:
                return None
            self.orders[order_id] = found
            self._loaded[ORDER, order_id] = copy(found)
        return self.orders[order_id]

    async def order_or_start(self, order_id: str) -> OrderShipping:
        """The order's shipping, started empty if this is the first message about it: topics
        are not ordered among each other, so production or the confirmation may come first."""
        found = await self.order(order_id)
        if found is None:
            found = OrderShipping(order_id)
            self.orders[order_id] = found
            self._new.add((ORDER, order_id))
        return found

    async def require_order(self, order_id: str) -> OrderShipping:
        found = await self.order(order_id)
        if found is None or found.placement is None:
            raise NotFound(f"logistics knows no order {order_id}")
        return found

    async def shipment(self, shipment_id: str) -> Shipment | None:
        if shipment_id not in self.shipments:
            found = await repository.load_shipment(self.connection, shipment_id)
            if found is None:
                return None
            self._keep(found)
        return self.shipments[shipment_id]

    def _keep(self, shipment: Shipment) -> None:
        if shipment.shipment_id not in self.shipments:
            self.shipments[shipment.shipment_id] = shipment
            self._loaded[SHIPMENT, shipment.shipment_id] = copy(shipment)

    async def require_shipment(self, shipment_id: str) -> tuple[OrderShipping, Shipment]:
        shipment = await self.shipment(shipment_id)
        order = await self.order(shipment.order_id) if shipment else None
        if shipment is None or order is None:
            raise NotFound(f"logistics knows no shipment {shipment_id}")
        return order, shipment

    async def shipments_of(self, order: OrderShipping) -> list[Shipment]:
        ids = [shipment_number(order.order_id, n) for n in range(1, order.shipments + 1)]
        missing = [i for i in ids if i not in self.shipments]  # not new in this unit of work
        for found in await repository.load_shipments(self.connection, missing) if missing else ():
            self._keep(found)
        return [self.shipments[i] for i in ids if i in self.shipments]

    # -- acts that need the database ------------------------------------------------------------

    async def request(
        self, order: OrderShipping, command: RequestShipment, signed: Signature
    ) -> Shipment:
        """P5.1: a new shipment of the order."""
        shipment = order.request(command, signed)
        self.shipments[shipment.shipment_id] = shipment
        self._new.add((SHIPMENT, shipment.shipment_id))
        return shipment

    async def hand_over(
        self, shipment: Shipment, waybills: tuple[str, ...], parcels: int, signed: Signature
    ) -> None:
        """P5.4: a waybill number belongs to exactly one shipment of one order (409)."""
        owners = await repository.waybill_owners(self.connection, waybills)
        taken = sorted(n for n, owner in owners.items() if owner != shipment.shipment_id)
        if taken:
            raise NotAllowedNow(f"waybills already tied to another shipment: {', '.join(taken)}")
        shipment.hand_over(waybills, parcels, signed)
        await repository.tie_waybills(self.connection, shipment, waybills)

    # -- the automatic policy -------------------------------------------------------------------

    async def act_for_people(self, order: OrderShipping) -> None:
        """With the automatic policy on: request everything once all that remains is produced;
        release, check, hand over, dispatch and record the receipt of every shipment finance
        passed, at once (P5.1 to P5.6). A refused check waits for finance's next one."""
        if not self.policy or order.placement is None or order.outcome is not None:
            return
        if order.remaining() and order.available() == order.remaining():
            signed = Signature.of(automatic_policy("customer_service"), self.now)
            await self.request(order, RequestShipment(None, None, None), signed)
        for shipment in await self.shipments_of(order):
            await self._ship_for_people(order, shipment)

    async def _ship_for_people(self, order: OrderShipping, shipment: Shipment) -> None:
        finance = shipment.finance
        if finance is None or not finance.passed or shipment.release is not None:
            return
        if shipment.held_for is not None:
            return  # held for an open change (P7.2): the policy ships it once released
        if shipment.status is not ShipmentStatus.REQUESTED:
            return
        waybill = waybill_for(shipment.shipment_id)
        owners = await repository.waybill_owners(self.connection, (waybill,))
        if owners.get(waybill, shipment.shipment_id) != shipment.shipment_id:
            return  # a person already used the policy's number elsewhere: people hand it over
        role = authority.releaser_for(finance, self.release_authority)
        signed = Signature.of(automatic_policy(role), self.now)
        authority.check_release(automatic_policy(role), finance, self.release_authority)
        shipment.sign_release(signed)
        dispatcher = Signature.of(automatic_policy("dispatcher"), self.now)
        shipment.check_outbound(dict(shipment.lines), 1, dispatcher)
        await self.hand_over(
            shipment,
            (waybill,),
            1,
            Signature.of(automatic_policy("order_clerk"), self.now),
        )
        today = self.now.date()
        notice = Dispatch(DEFAULT_CARRIER, tracking_number_for(shipment.shipment_id), today)
        shipment.dispatch(notice, dispatcher)
        order.record_delivery(
            shipment,
            RecordDelivery(today, POLICY_RECEIVER, None),
            Signature.of(automatic_policy("customer_service"), self.now),
        )

    # -- storing --------------------------------------------------------------------------------

    async def events(self, causation_id: UUID | None) -> list[Event]:
        """Store every order and shipment touched, and translate their new events, in order."""
        out: list[Event] = []
        for order in self.orders.values():
            if self._changed((ORDER, order.order_id), order):
                new = (ORDER, order.order_id) in self._new
                await repository.store_order(self.connection, order, new)
        for shipment in self.shipments.values():
            order = self.orders[shipment.order_id]
            if self._changed((SHIPMENT, shipment.shipment_id), shipment):
                new = (SHIPMENT, shipment.shipment_id) in self._new
                await repository.store_shipment(self.connection, shipment, new)
            out += [to_wire(e, shipment, order, causation_id, self.now) for e in shipment.events]
            shipment.events.clear()
        self._new.clear()
        out += self.staged
        self.staged = []
        return out

    def _changed(self, key: tuple[str, str], current: OrderShipping | Shipment) -> bool:
        if key in self._new or self._loaded.get(key) != current:
            self._loaded[key] = copy(current)
            return True
        return False
