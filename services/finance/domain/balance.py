"""A customer's open balance (P6.4): what the customer owes on confirmed orders, published
for review's credit check whenever an order's part of it changed.

open balance = sum over the customer's confirmed orders not declined of (total - paid, never
below zero). It is kept as a running total: each change of an order adds the difference
between the order's part after and before the change, so no change has to re-read all the
customer's orders.

The running total is kept exact, however large it grows: a customer's confirmed orders may
together owe more than the money column NUMERIC(16,2) holds (each order's total fits it, their
sum need not), so the total is stored in a wider column (BALANCE_PRECISION) and what is
published on balance.updated is saturated at MAX_MONEY. The exact total is what later changes
move, so the balance comes back down correctly as orders are paid or declined (P6.4).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from shared.contracts.bounds import MAX_MONEY

ZERO = Decimal("0.00")
BALANCE_PRECISION: Final = 32
"""Digits of the stored running total (scale 2): room for any number of orders a customer can
have, each up to MAX_MONEY."""


@dataclass(frozen=True)
class BalanceWasUpdated:
    customer_id: str
    order_id: str
    """The order whose change caused the update."""
    currency: str
    open_balance: Decimal
    """Saturated at MAX_MONEY: what the balance.updated contract can carry (P6.4)."""


@dataclass
class CustomerBalance:
    customer_id: str
    currency: str
    open_balance: Decimal = ZERO
    """The exact running total, never below zero; may exceed MAX_MONEY (see published)."""
    overdue_invoices: int = 0
    """The customer's invoices past a collection step and unpaid (P6.3, P6.4)."""
    events: list[BalanceWasUpdated] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, customer_id: str, currency: str) -> "CustomerBalance":
        """A customer who owes nothing yet, in the customer's currency."""
        return cls(customer_id=customer_id, currency=currency)

    @property
    def published(self) -> Decimal:
        """P6.4: the open balance as published, saturated at MAX_MONEY (the most the contract
        and review's credit check can hold); the exact total stays for later changes."""
        return min(self.open_balance, MAX_MONEY)

    def record_change(self, order_id: str, currency: str, before: Decimal, after: Decimal) -> None:
        """An order's part of the balance went from `before` to `after` (on its confirmation,
        a payment or its closing): the balance follows and is published (P6.4). A part that did
        not change publishes nothing (a fulfilled order closing, money for a declined one); an
        order in another currency than the customer's balance is not added to it. The total is
        kept exact; what is published is saturated at MAX_MONEY."""
        if currency != self.currency or after == before:
            return
        self.open_balance = max(self.open_balance + after - before, ZERO)
        self.events.append(
            BalanceWasUpdated(self.customer_id, order_id, self.currency, self.published)
        )

    def record_overdue(self, before: int, after: int) -> None:
        """An order's overdue invoices went from `before` to `after` (P6.4: an A-tier shipment
        of a customer with an overdue invoice needs a credit exception)."""
        self.overdue_invoices = max(self.overdue_invoices + after - before, 0)
