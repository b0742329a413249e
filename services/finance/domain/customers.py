"""Customers as finance keeps them: the latest record sales published (P1.4, P3.3, P6.4)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Customer:
    """What finance keeps of a customer: the currency of the customer's balance (P6.4) and the
    tier, which decides the payment gate before shipping (P1.4, P5.2, not built yet). The
    deposit itself comes with the confirmation, which sales computes."""

    customer_id: str
    name: str
    tier: str
    currency: str
    deposit_percent: Decimal
