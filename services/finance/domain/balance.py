"""A customer's open balance (P6.4): what the customer owes on confirmed orders, published
for review's credit check whenever an order's part of it changed.

open balance = sum over the customer's confirmed orders not declined of (total - paid, never
below zero). It is kept as a running total: each change of an order adds the difference
between the order's part after and before the change, so no change has to re-read all the
customer's orders.
"""

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BalanceWasUpdated:
    customer_id: str
    order_id: str
    """The order whose change caused the update."""
    currency: str
    open_balance: Decimal


@dataclass
class CustomerBalance:
    customer_id: str
    currency: str
    open_balance: Decimal = ZERO
    overdue_invoices: int = 0
    """The customer's invoices past a collection step and unpaid (P6.3, P6.4)."""
    events: list[BalanceWasUpdated] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, customer_id: str, currency: str) -> "CustomerBalance":
        """A customer who owes nothing yet, in the customer's currency."""
        return cls(customer_id=customer_id, currency=currency)

    def record_change(self, order_id: str, currency: str, before: Decimal, after: Decimal) -> None:
        """An order's part of the balance went from `before` to `after` (on its confirmation,
        a payment or its closing): the balance follows and is published (P6.4). A part that did
        not change publishes nothing (a fulfilled order closing, money for a declined one); an
        order in another currency than the customer's balance is not added to it."""
        if currency != self.currency or after == before:
            return
        self.open_balance = max(self.open_balance + after - before, ZERO)
        self.events.append(
            BalanceWasUpdated(self.customer_id, order_id, self.currency, self.open_balance)
        )

    def record_overdue(self, before: int, after: int) -> None:
        """An order's overdue invoices went from `before` to `after` (P6.4: an A-tier shipment
        of a customer with an overdue invoice needs a credit exception)."""
        self.overdue_invoices = max(self.overdue_invoices + after - before, 0)
