"""What production is asked to do by other departments, through the bus."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Line:
    product_code: str
    quantity: int


@dataclass(frozen=True)
class AssessFeasibility:
    """Answer review whether the order can be made by its date (P2.4)."""

    order_id: str
    customer_id: str
    requested_delivery_date: date
    lines: tuple[Line, ...]
    version: int = 1
    """The order's version the request was made from (P7.4)."""


@dataclass(frozen=True)
class ReleaseOrder:
    """Make the order; sales released it through one of its gates (P3.2, P3.3)."""

    order_id: str
    delivery_date: date
    lines: tuple[Line, ...]
    gate: str
    version: int = 1
    """The order's version released: above 1, the lines of an amended confirmation (P7.3)."""


@dataclass(frozen=True)
class ReviseDelivery:
    """Sales agreed a new delivery date with the customer (P4.10)."""

    order_id: str
    delivery_date: date
