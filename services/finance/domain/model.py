"""The account of one order (P2.7, P3.3, P5.2, P6.1 to P6.4): opened when the order is placed,
confirmed (with a deposit to request for B and C customers), checked and invoiced per
shipment (`shipments.py`), paid at any time (`payments.py`), closed.

Finance hears about an order from several services on several topics, and Kafka keeps no order
between topics: a confirmation, a shipment request, a dispatch, a payment or the order's
closing can arrive before the order itself. Any of them starts the account; the order or its
confirmation opens it, and what waited for the order's lines (valuing, checking and invoicing
shipments) is done then.
"""

from datetime import date

from services.finance.domain.amendments import Amendments
from services.finance.domain.commands import ConfirmOrder, CustomerTerms, OpenAccount
from services.finance.domain.payments import AccountNotOpened, CurrencyMismatch
from services.finance.domain.shipments import invoice_number, proforma_number
from services.finance.domain.state import AccountStatus, Outcome, Shipped
from shared.delivery_dates import DateSource

__all__ = [
    "Account",
    "AccountNotOpened",
    "AccountStatus",
    "CurrencyMismatch",
    "Outcome",
    "Shipped",
    "format_payment_number",
    "invoice_number",
    "proforma_number",
]


def format_payment_number(year: int, sequence: int) -> str:
    """Payment numbers are unique and readable: PAY-<year>-<6-digit sequence>."""
    return f"PAY-{year}-{sequence:06d}"


class Account(Amendments):
    def open(self, command: OpenAccount, customer: CustomerTerms | None = None) -> None:
        """P2.7, P5.2, P6.3: take the order's customer, currency, total, lines and terms; the
        first copy counts (a confirmation opening the account brings no lines: the order's
        come when it arrives). An applied change (version above 1) keeps its lines and total
        however late the order's own copy arrives (P7.1). Shipments requested or shipped before
        are valued, checked and invoiced now."""
        if not self.is_opened:
            self.customer_id = command.customer_id
            self.currency = command.currency
            if self.version == 1 or self.total_amount is None:
                self.total_amount = command.total_amount
        if command.lines and self.payment_terms is None:
            self.payment_terms = command.payment_terms
        if not self.lines and command.lines and self.version == 1:
            self.lines = command.lines
        if self.status is AccountStatus.AWAITING_ORDER:
            self.status = AccountStatus.OPEN
        if self.lines:
            self.catch_up(customer or CustomerTerms())

    def confirm(self, command: ConfirmOrder, customer: CustomerTerms | None = None) -> None:
        """Record the order as confirmed to the customer (P3.1, P2.7), opening the account if
        the order itself has not arrived yet. Money already received counts towards the deposit;
        what is still to pay of it is requested once (P3.3, P6.1), never for an order already
        closed. A confirmation of a higher version is the amended one (P7.3): its total and
        deposit replace the account's and the deposit's difference is requested. A repeated
        confirmation, or one of a lower version, changes nothing."""
        if self.confirmed:
            self.amend_confirmation(command)
            return
        opening = OpenAccount(
            command.order_id, command.customer_id, command.currency, command.total_amount
        )
        self.open(opening, customer)
        self.confirmed = True
        self.confirmed_version = command.version
        if command.version > self.version:
            self.total_amount = command.total_amount  # the lines of that version are to come
        self.tier = command.tier or self.tier
        self.move_delivery(command.confirmed_delivery_date, DateSource.CONFIRMED, command.version)
        self.deposit_amount = command.deposit_amount
        self.request_deposit()

    def revise_delivery(self, delivery_date: date) -> None:
        """P4.10: the account's delivery date follows the one agreed after a delay."""
        self.move_delivery(delivery_date, DateSource.REVISED)

    def close(self, outcome: Outcome) -> None:
        """File the account with the order's final outcome (P7.6). Money that still comes in
        is recorded all the same (P6.2)."""
        if self.status is AccountStatus.CLOSED:
            return
        self.status = AccountStatus.CLOSED
        self.outcome = outcome
