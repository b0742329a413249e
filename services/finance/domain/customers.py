"""Customers as finance keeps them: the latest record sales published (P1.4, P3.3, P6.4)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Customer:
    """What finance needs of a customer: the tier decides the payment gates (P1.4, P5.2),
    the deposit percentage the deposit before production (P3.3), the currency the balance."""

    customer_id: str
    name: str
    tier: str
    currency: str
    deposit_percent: Decimal
