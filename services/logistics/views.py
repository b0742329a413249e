"""Orders' shipping, shipments and customers' returns as people read them (P5.1 to P5.6,
P7.5)."""

from typing import Any

from pydantic import TypeAdapter

from services.logistics.domain.model import OrderShipping
from services.logistics.domain.returns import CustomerReturn
from services.logistics.domain.shipment import Shipment, ShipmentStatus

_SHIPMENT = TypeAdapter(Shipment)
_RETURN = TypeAdapter(CustomerReturn)
_ON_THE_WAY = (ShipmentStatus.DISPATCHED, ShipmentStatus.DELIVERED)


def shipment_view(shipment: Shipment) -> dict[str, Any]:
    """A shipment with every signature and document it holds; lines as product and units."""
    view: dict[str, Any] = _SHIPMENT.dump_python(shipment, mode="json", exclude={"events"})
    view["lines"] = [
        {"product_code": code, "quantity": count} for code, count in sorted(shipment.lines.items())
    ]
    return view


def order_view(order: OrderShipping, shipments: list[Shipment]) -> dict[str, Any]:
    """What was ordered, produced, requested, shipped and remains, and the order's shipments."""
    shipped: dict[str, int] = {}
    for shipment in shipments:
        if shipment.status in _ON_THE_WAY:
            for code, count in shipment.lines.items():
                shipped[code] = shipped.get(code, 0) + count
    placement = order.placement
    active = [shipment for shipment in shipments if shipment.active]
    return {
        "order_id": order.order_id,
        "placed": placement is not None,
        "customer_id": placement.customer_id if placement else None,
        "tier": order.tier,
        "delivery_date": order.delivery_date,
        "ordered": order.ordered,
        "produced": order.produced,
        "requested": order.taken,
        "shipped": shipped,
        "remaining": order.remaining(),
        "available": order.available(),
        "delivered": bool(active)
        and not order.remaining()
        and all(s.status is ShipmentStatus.DELIVERED for s in active),
        "outcome": order.outcome,
        "version": order.version,
        "pending_change": order.pending_change,
        "shipments": [shipment_view(shipment) for shipment in shipments],
    }


def _lines(of: dict[str, int]) -> list[dict[str, Any]]:
    return [{"product_code": code, "quantity": count} for code, count in sorted(of.items())]


def return_view(found: CustomerReturn) -> dict[str, Any]:
    """A customer's return with every step's signature; lines as product and units (P7.5)."""
    view: dict[str, Any] = _RETURN.dump_python(found, mode="json", exclude={"events"})
    view["lines"] = _lines(found.lines)
    if found.receipt is not None:
        view["receipt"]["lines"] = _lines(found.receipt.lines)
    if found.inspection is not None:
        view["inspection"]["verdict"] = [
            {"product_code": code, "accepted": v.accepted, "rejected": v.rejected}
            for code, v in sorted(found.inspection.verdict.items())
        ]
    view["rejected"] = _lines(found.rejected)
    return view
