"""Customers as finance keeps them: the latest record sales published (P1.4, P3.3, P5.2, P6.3,
P6.4)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Customer:
    """What finance keeps of a customer: the currency of the customer's balance (P6.4), the
    tier, which decides the payment check before shipping (P5.2), the credit limit (P6.4) and
    the payment terms allowed, the first being the default (P6.3). The deposit itself comes
    with the confirmation, which sales computes."""

    customer_id: str
    name: str
    tier: str
    currency: str
    deposit_percent: Decimal
    credit_limit: Decimal = Decimal("0.00")
    payment_terms: tuple[str, ...] = ()

    @property
    def default_terms(self) -> str | None:
        return self.payment_terms[0] if self.payment_terms else None
