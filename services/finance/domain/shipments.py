"""An account's shipments (P5.2, P6.3): each is valued once, checked for payment and, once it
left, invoiced; a prepaid order gets a pro-forma when the shipment is requested. What arrives
before the order's lines waits for them (`catch_up`)."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from services.finance.domain import checks, collection
from services.finance.domain.checks import Assessment, CheckStatus, PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.commands import CustomerTerms, RequestShipment, ShipGoods, Units
from services.finance.domain.dates import Dates
from services.finance.domain.events import BalanceWasDue, InvoiceWasIssued, PaymentWasChecked
from services.finance.domain.state import Shipped
from services.finance.domain.terms import PREPAID, due_by, is_prepaid
from services.finance.domain.valuation import Valued, value_shipment
from shared.contracts.bounds import DATE_MAX
from shared.decisions import NotAllowedNow, Signature

ZERO = Decimal("0.00")
MAX_DOCUMENTS = 99_999
"""Invoices (and pro-formas) of one order at most: INV-<the longest order id>-99999 is the
longest number a DocumentNumber holds."""


def invoice_number(order_id: str, n: int = 1) -> str:
    """P6.3: the order's n-th invoice, INV-<order id>-<n>."""
    return f"INV-{order_id}-{n}"


def proforma_number(order_id: str, n: int = 1) -> str:
    """P6.3: the order's n-th pro-forma, PF-<order id>-<n>."""
    return f"PF-{order_id}-{n}"


class Shipments(Dates):
    def request_shipment(
        self, command: RequestShipment, at: datetime, customer: CustomerTerms
    ) -> PaymentCheck | None:
        """P5.2: a payment check for the shipment, once; valued now if the order is known,
        else when it arrives. None: the shipment was requested before."""
        if self.check(command.shipment_id) is not None:
            return None
        waiting = PaymentCheck(command.shipment_id, command.lines, at)
        self.checks = (*self.checks, waiting)
        if self.valuable:
            self._start_check(waiting, customer)
        return self.check(command.shipment_id)

    def assess(self, shipment_id: str, customer: CustomerTerms) -> tuple[PaymentCheck, Assessment]:
        """P5.2, P6.4: the check and what the money and the customer allow for it now."""
        check = self.require_check(shipment_id)
        if check.status is CheckStatus.CANCELLED:
            raise NotAllowedNow(f"shipment {shipment_id} was cancelled")
        if check.amount is None:
            raise NotAllowedNow(f"shipment {shipment_id} waits for its order to reach finance")
        return check, checks.assess(
            check.amount,
            self._shipped_before(shipment_id),
            self.paid_total,
            replace(customer, tier=customer.tier or self.tier),
        )

    def sign_check(self, shipment_id: str, customer: CustomerTerms, signed: Signature) -> None:
        """P5.2: finance signs (409 for a B or C shipment the money does not cover)."""
        check, assessment = self.assess(shipment_id, customer)
        self._decide(checks.sign(check, assessment, signed, self.currency or ""))

    def refuse_check(
        self, shipment_id: str, customer: CustomerTerms, reason: str, signed: Signature
    ) -> None:
        """P5.2, P6.3: finance refuses with a reason; the customer is told what is missing."""
        check, assessment = self.assess(shipment_id, customer)
        self._decide(checks.refuse(check, assessment, reason, signed))
        if assessment.missing > ZERO and self.customer_id is not None:
            self.events.append(
                BalanceWasDue(
                    self.order_id,
                    self.customer_id,
                    shipment_id,
                    assessment.missing,
                    self.currency or "",
                    reason,
                )
            )

    def rerun_checks(self, payment_id: str) -> None:
        """P5.2, P6.1: a payment re-runs the order's refused checks, oldest first; each the
        money now covers passes without a person."""
        for refused in [c for c in self.checks if c.status is CheckStatus.REFUSED]:
            _check, assessment = self.assess(refused.shipment_id, CustomerTerms(tier=refused.tier))
            passed = checks.pass_on_payment(refused, assessment, payment_id, self.currency or "")
            if passed is not None:
                self._decide(passed)

    def ship(self, command: ShipGoods, customer: CustomerTerms) -> None:
        """P6.3: the shipment left; it is invoiced once, now or when the order arrives."""
        if any(shipped.shipment_id == command.shipment_id for shipped in self.shipped):
            return
        shipment = Shipped(command.shipment_id, command.lines, command.shipped_on)
        self.shipped = (*self.shipped, shipment)
        self.shipped_on = self.shipped_on or command.shipped_on
        if self.valuable:
            self._invoice(shipment, customer)

    def catch_up(self, customer: CustomerTerms) -> None:
        """What waited for the order: value and check requested shipments, invoice shipped
        ones."""
        if not self.valuable:
            return
        for waiting in self.checks:
            if waiting.status is CheckStatus.AWAITING_ORDER:
                self._start_check(waiting, customer)
        invoiced = {invoice.shipment_id for invoice in self.invoices if invoice.kind == "invoice"}
        for shipment in self.shipped:
            if shipment.shipment_id not in invoiced:
                self._invoice(shipment, customer)

    def allocate_money(self) -> list[str]:
        """P6.3, P7.5: the money and the credit notes (up to what is billed) pay the invoices
        oldest first; the numbers of those that were chased and are paid now (cleared)."""
        covered = min(self.paid_total + self.credited, self.billable)
        allocated = collection.allocate(self.invoices, covered)
        cleared = [i.invoice_number for i in allocated if collection.clears(i)]
        self.invoices = tuple(
            replace(i, steps=(*i.steps, collection.CLEARED)) if i.invoice_number in cleared else i
            for i in allocated
        )
        return cleared

    # -- inside ------------------------------------------------------------------------------

    def _shipped_before(self, shipment_id: str) -> Decimal:
        """The value of the order's other shipments that passed their check or left."""
        passed = {c.shipment_id for c in self.checks if c.status is CheckStatus.PASSED}
        passed |= {shipped.shipment_id for shipped in self.shipped}
        return sum(
            (v.amount for v in self.valued if v.shipment_id in passed - {shipment_id}),
            ZERO,
        )

    def _value(self, shipment_id: str, lines: tuple[Units, ...]) -> Valued:
        found = next((v for v in self.valued if v.shipment_id == shipment_id), None)
        if found is None:
            found = value_shipment(
                shipment_id, lines, self.lines, self.valuation_total, self.valued
            )
            self.valued = (*self.valued, found)
        return found

    def _replace(self, check: PaymentCheck) -> None:
        self.checks = tuple(check if c.shipment_id == check.shipment_id else c for c in self.checks)

    def _decide(self, check: PaymentCheck) -> None:
        self._replace(check)
        self.events.append(PaymentWasChecked(self.order_id, check, self.currency or ""))

    def _start_check(self, waiting: PaymentCheck, customer: CustomerTerms) -> None:
        valued = self._value(waiting.shipment_id, waiting.lines)
        self._replace(replace(waiting, status=CheckStatus.PENDING, amount=valued.amount))
        if is_prepaid(self.terms(customer)):
            self._issue("proforma", valued, min(waiting.requested_at.date(), DATE_MAX), customer)

    def _invoice(self, shipment: Shipped, customer: CustomerTerms) -> None:
        valued = self._value(shipment.shipment_id, shipment.lines)
        self._issue("invoice", valued, min(shipment.shipped_on, DATE_MAX), customer)
        self.allocate_money()

    def _issue(self, kind: str, valued: Valued, issued_on: date, customer: CustomerTerms) -> None:
        """The invoice or pro-forma of a valued shipment, once; none of zero value (a
        replacement of returned goods owes nothing, P7.5)."""
        if valued.amount <= ZERO:
            return
        if any(i.kind == kind and i.shipment_id == valued.shipment_id for i in self.invoices):
            return
        count = sum(1 for i in self.invoices if i.kind == kind and i.shipment_id is not None) + 1
        if count > MAX_DOCUMENTS:
            raise NotAllowedNow(f"order {self.order_id} has {MAX_DOCUMENTS} {kind}s already")
        numbered = invoice_number if kind == "invoice" else proforma_number
        terms = self.terms(customer)
        tier = customer.tier or self.tier
        due = due_by(terms if kind == "invoice" else PREPAID, issued_on, tier=tier)
        invoice = Invoice(
            invoice_number=numbered(self.order_id, count),
            amount=valued.amount,
            currency=self.currency or "",
            issued_on=issued_on,
            due_date=due.due_date,
            kind=kind,
            shipment_id=valued.shipment_id,
            payment_terms=terms,
            note=due.note,
        )
        self.invoices = (*self.invoices, invoice)
        self.events.append(InvoiceWasIssued(self.order_id, invoice))
