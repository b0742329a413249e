"""Changes of a placed order on its account (P7.1, P7.2, P6.2): finance answers a change with
what it holds, applies the change sales decided (the highest version wins, whatever the order
of arrival), keeps a charge for what was spent, turns money paid beyond what is now owed into
customer credit at once, and drops a shipment logistics cancelled."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from services.finance.domain import collection
from services.finance.domain.checks import CheckStatus, PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.commands import ApplyChange, CustomerTerms
from services.finance.domain.events import ChangeWasAcknowledged, InvoiceWasIssued
from services.finance.domain.payments import Payments
from services.finance.domain.valuation import cents
from shared.contracts.bounds import MAX_MONEY
from shared.contracts.changes import REVIEWED_KINDS, change_number

ZERO = Decimal("0.00")


def charge_invoice_number(order_id: str, change_no: int) -> str:
    """The invoice of change n's charge, INV-<order id>-C<n> (P7.2)."""
    return f"INV-{order_id}-C{change_no}"


class Changes(Payments):
    def acknowledge(self, change_no: int) -> bool:
        """P7.1: answer change n once with what was paid, asked as deposit and invoiced (zeros
        for an order finance does not know yet); finance refuses no change. False: answered
        already."""
        if change_no <= self.acknowledged_change:
            return False
        self.acknowledged_change = change_no
        self.events.append(
            ChangeWasAcknowledged(
                self.order_id, change_no, self.paid_total, self.deposit_amount, self.invoiced
            )
        )
        return True

    def apply_change(self, command: ApplyChange, customer: CustomerTerms) -> None:
        """P7.1, P7.2, P7.3, P6.2: a change above the applied version replaces the lines and
        total; its charge is owed on top (for a cancel the total is nil, so the charge is what
        is owed). After a decrease a deposit not yet paid keeps its share of the new total; a
        change reviewed again leaves the deposit to its amended confirmation, and a change of
        kind date after the confirmation sets the date it asks (until that confirmation's).
        Money paid beyond what is now owed is credit at once; a charge the money does not
        cover is invoiced, due on issue. Lower or repeated versions change nothing."""
        if command.change_no <= self.version:
            return
        credit_before = self.credit
        old_total = self.total_amount
        self.version = command.change_no
        self.lines = command.lines
        self.total_amount = command.total_amount
        self.charged = min(self.charged + command.charge, MAX_MONEY)
        if not REVIEWED_KINDS & set(command.kinds) and self.confirmed_version < command.change_no:
            self._rescale_deposit(old_total, command.total_amount)
        if "date" in command.kinds and command.after_confirmation and command.delivery_date:
            self.take_change_date(command.delivery_date, command.change_no)
        if command.charge > ZERO and self.is_opened and self.paid_total < (self.owed or ZERO):
            self._invoice_charge(command, customer)
        self.settle_invoices(command.decided_on)
        self.announce_credit(credit_before, change_number(self.order_id, command.change_no))
        self.catch_up(customer)

    def announce_credit(self, before: Decimal, cause: str) -> None:
        """P6.2: the credit `cause` made or took, once it is decided: arisen when more is paid
        than is now owed; applied to this order when it now owes more (an increase, P7.3), so
        nobody refunds money the order needs."""
        owed = f"the {self.owed} {self.currency} now owed"
        if self.credit > before:
            self._credit_changed(
                "arisen", self.credit - before, reason=f"{cause}: paid beyond {owed}"
            )
        elif self.credit < before:
            self._credit_changed(
                "applied",
                before - self.credit,
                applied_to=self.order_id,
                reason=f"{cause}: taken by {owed}",
            )

    def cancel_shipment(self, shipment_id: str, at: datetime) -> None:
        """P7.2: logistics cancelled a shipment: its check and value are dropped (a later
        shipment is valued on what is left) and its pro-forma is void. A shipment that left
        already is not cancelled; one finance never saw is remembered as cancelled, so a late
        request for it is not valued."""
        if any(shipped.shipment_id == shipment_id for shipped in self.shipped):
            return
        check = self.check(shipment_id)
        if check is None:
            self.checks = (
                *self.checks,
                PaymentCheck(shipment_id, (), at, status=CheckStatus.CANCELLED),
            )
        elif check.status is not CheckStatus.CANCELLED:
            self._replace(replace(check, status=CheckStatus.CANCELLED, amount=None))
        self.valued = tuple(v for v in self.valued if v.shipment_id != shipment_id)
        self.invoices = tuple(
            replace(i, voided=True, unpaid=ZERO)
            if i.kind == "proforma" and i.shipment_id == shipment_id
            else i
            for i in self.invoices
        )

    def settle_invoices(self, today: date) -> None:
        """The invoices follow what is owed and covered now; those paid after a collection
        step are cleared (P6.3)."""
        for cleared in self.allocate_money():
            self._stepped(self.invoice(cleared), collection.CLEARED, today)

    # -- inside ------------------------------------------------------------------------------

    def _rescale_deposit(self, old_total: Decimal | None, new_total: Decimal) -> None:
        """A deposit not yet fully paid is asked on the new total, at its share of the old."""
        if not self.deposit_outstanding or not old_total:
            return
        share = Fraction(self.deposit_amount) / Fraction(old_total)
        self.deposit_amount = min(cents(share * Fraction(new_total)), self.deposit_amount)

    def _invoice_charge(self, command: ApplyChange, customer: CustomerTerms) -> None:
        number = charge_invoice_number(self.order_id, command.change_no)
        if any(i.invoice_number == number for i in self.invoices):
            return
        reason = command.charge_reason or "what was spent on the order"
        invoice = Invoice(
            invoice_number=number,
            amount=command.charge,
            currency=self.currency or "",
            issued_on=command.decided_on,
            due_date=command.decided_on,
            kind="invoice",
            shipment_id=None,
            payment_terms=self.terms(customer),
            note=f"charge of {change_number(self.order_id, command.change_no)}: {reason}"[:1000],
        )
        self.invoices = (*self.invoices, invoice)
        self.events.append(InvoiceWasIssued(self.order_id, invoice))
