"""Returned goods credited on the account (P7.5, P6.3): a credit note lowers what the customer
owes, the open invoices are reduced oldest first, and money paid beyond what is left becomes
customer credit (P6.2)."""

from collections import Counter
from decimal import Decimal

from services.finance.domain.changes import Changes
from services.finance.domain.commands import CreditReturn
from services.finance.domain.credit_notes import CreditNote, credit_lines, invoiced_per_product
from services.finance.domain.events import CreditNoteWasIssued
from shared.contracts.returns import credit_note_number

ZERO = Decimal("0.00")


class Returns(Changes):
    def credit_return(self, command: CreditReturn) -> CreditNote | None:
        """P7.5: one credit note per return for the accepted units, valued at the applied
        version's average prices and capped at what was invoiced for each product less earlier
        credit notes. None: credited already, or nothing left to credit."""
        number = credit_note_number(self.order_id, command.return_no)
        if any(note.credit_note_number == number for note in self.credit_notes):
            return None
        accepted: Counter[str] = Counter()
        for line in command.accepted:
            accepted[line.product_code] += line.quantity
        lines = credit_lines(accepted, self.lines, self._invoiced_per_product(), self.credit_notes)
        if not lines:
            return None
        note = CreditNote(
            credit_note_number=number,
            return_number=command.return_number,
            lines=lines,
            amount=sum((line.amount for line in lines), ZERO),
            currency=self.currency or "",
            issued_on=command.issued_on,
        )
        credit_before = self.credit
        self.credit_notes = (*self.credit_notes, note)
        self.credited += note.amount
        self.settle_invoices(command.issued_on)
        self.events.append(CreditNoteWasIssued(self.order_id, note, self.balance_due, self.credit))
        if self.credit > credit_before:
            self._credit_changed(
                "arisen",
                self.credit - credit_before,
                reason=f"{number} for {command.return_number}: paid beyond what is now owed",
            )
        return note

    def _invoiced_per_product(self) -> dict[str, Decimal]:
        shipments = {i.shipment_id for i in self.invoices if i.kind == "invoice"}
        return invoiced_per_product(
            (valued.lines for valued in self.valued if valued.shipment_id in shipments),
            self.lines,
        )
