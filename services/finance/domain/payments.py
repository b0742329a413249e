"""Money against an account (P6.1 to P6.3): payments add up, what is paid beyond the total is
the customer's credit, refused checks re-run, invoices are paid oldest first and chased on the
clock while they are not."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from services.finance.domain import collection
from services.finance.domain import credit as credits
from services.finance.domain.collection import Invoice
from services.finance.domain.commands import ReceivePayment, credit_transaction
from services.finance.domain.events import (
    CollectionWasStepped,
    CreditWasChanged,
    Payment,
    PaymentKind,
    PaymentWasReceived,
)
from services.finance.domain.shipments import Shipments
from services.finance.domain.state import AccountStatus
from shared.decisions import InvalidDecision, NotAllowedNow, Signature

ZERO = Decimal("0.00")


class CurrencyMismatch(Exception):
    """Money in another currency cannot be put against the order as it is."""


class AccountNotOpened(Exception):
    """Money cannot be put against an order finance does not know yet."""


class Payments(Shipments):
    def receive_payment(
        self, payment_id: str, command: ReceivePayment, kind: PaymentKind | None = None
    ) -> Payment:
        """P6.1, P6.2: put a payment against the order, invoiced or not, open or closed.
        Money while a requested deposit is not yet fully paid is the deposit (P3.3); any other
        money goes against the balance, unless it is of another `kind` (cash on delivery, a
        credit applied). Beyond the total it is credit; refused checks it now covers pass
        (P5.2); invoices it pays that were chased are cleared (P6.3)."""
        if not self.is_opened:
            raise AccountNotOpened(f"order {self.order_id} is not known yet")
        if command.currency != self.currency:
            raise CurrencyMismatch(
                f"payment in {command.currency} for order {self.order_id} in {self.currency}"
            )
        if kind is None:
            kind = PaymentKind.DEPOSIT if self.deposit_outstanding else PaymentKind.BALANCE
        payment = Payment(
            payment_id=payment_id,
            order_id=self.order_id,
            bank_transaction_id=command.bank_transaction_id,
            kind=kind,
            amount=command.amount,
            currency=command.currency,
            booked_at=command.booked_at,
            payer=command.payer,
        )
        credit_before = self.credit
        self.paid_total += command.amount
        self.events.append(
            PaymentWasReceived(
                self.order_id,
                payment,
                self.paid_total,
                self.balance_due,
                self.settled,
                self.credit,
            )
        )
        if self.credit > credit_before:
            self._credit_changed("arisen", self.credit - credit_before)
        self.rerun_checks(payment_id)
        for cleared in self.allocate_money():
            self._stepped(self.invoice(cleared), collection.CLEARED, command.booked_at.date())
        return payment

    # -- credit (P6.2) -----------------------------------------------------------------------

    def refund_credit(self, amount: Decimal | None, reason: str, signed: Signature) -> Decimal:
        """P6.2: the finance manager refunds the credit, all of it (null) or part."""
        refunded = self._use_credit(amount, reason)
        self._credit_changed("refunded", refunded, reason=reason, decided=signed)
        return refunded

    def apply_credit(
        self,
        target: "Payments",
        amount: Decimal | None,
        reason: str,
        signed: Signature,
        payment_id: str,
    ) -> Payment:
        """P6.2: the finance manager applies the credit to another open order of the same
        customer and currency, no more than it owes; there it is a payment of kind credit."""
        if target.status is not AccountStatus.OPEN or not target.is_opened:
            raise NotAllowedNow(f"order {target.order_id} is not an open order")
        usable = credits.amount_to_use(amount, self.credit, self.order_id)
        credits.check_target(
            self.order_id,
            self.customer_id,
            self.currency,
            target.order_id,
            target.customer_id,
            target.currency,
            target.balance_due,
            usable,
        )
        applied = self._use_credit(usable, reason)
        self._credit_changed(
            "applied", applied, applied_to=target.order_id, reason=reason, decided=signed
        )
        money = ReceivePayment(
            bank_transaction_id=credit_transaction(payment_id),
            order_reference=target.order_id,
            amount=applied,
            currency=target.currency or "",
            booked_at=signed.at,
            payer=f"credit of order {self.order_id}",
        )
        return target.receive_payment(payment_id, money, PaymentKind.CREDIT)

    def _use_credit(self, amount: Decimal | None, reason: str) -> Decimal:
        if not reason.strip():
            raise InvalidDecision("a credit refund or application needs a reason")
        used = credits.amount_to_use(amount, self.credit, self.order_id)
        self.credit_used += used
        return used

    def _credit_changed(self, change: str, amount: Decimal, **details: object) -> None:
        self.events.append(
            CreditWasChanged(
                self.order_id,
                self.customer_id or "",
                change,
                amount,
                self.currency or "",
                self.credit,
                **details,  # type: ignore[arg-type]
            )
        )

    # -- collection (P6.3) -------------------------------------------------------------------

    def walk_collection(self, today: date) -> None:
        """P6.3: every unpaid invoice reaches the steps its days overdue have come to, each
        once, in order."""
        for invoice in self.invoices:
            for step in collection.reached(invoice, today):
                invoice = replace(invoice, steps=(*invoice.steps, step))
                self._put(invoice)
                self._stepped(invoice, step, today)

    def record_collection(
        self,
        number: str,
        step: str,
        today: date,
        note: str,
        signed: Signature,
        promised_on: date | None = None,
    ) -> Invoice:
        """P6.3: a person records a reminder, or a follow-up with the day the customer promised
        to pay (which defers the sales manager's step)."""
        invoice = collection.record(self.invoice(number), step, today, promised_on)
        self._put(invoice)
        self._stepped(invoice, step, today, note=note, recorded=signed)
        return invoice

    def _put(self, invoice: Invoice) -> None:
        self.invoices = tuple(
            invoice if i.invoice_number == invoice.invoice_number else i for i in self.invoices
        )

    def _stepped(self, invoice: Invoice, step: str, today: date, **details: object) -> None:
        self.events.append(
            CollectionWasStepped(
                self.order_id,
                self.customer_id or "",
                invoice,
                step,
                collection.days_overdue(invoice, today),
                **details,  # type: ignore[arg-type]
            )
        )
