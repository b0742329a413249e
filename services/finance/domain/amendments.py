"""The amended confirmation of a change reviewed again after the confirmation (P7.3, P3.3): it
replaces the account's total and deposit, and the customer is asked only for what the money
received does not cover of the new deposit. The applied change of the same version brings the
lines (`changes.py`); the highest version wins whatever the order of arrival."""

from decimal import Decimal

from services.finance.domain.commands import ConfirmOrder
from services.finance.domain.events import DepositWasRequested
from services.finance.domain.returns import Returns
from services.finance.domain.state import AccountStatus
from shared.contracts.changes import change_number
from shared.delivery_dates import DateSource

ZERO = Decimal("0.00")


class Amendments(Returns):
    def amend_confirmation(self, command: ConfirmOrder) -> None:
        """P7.3: confirmation n (above the version confirmed) replaces the deposit, and the
        total unless a higher change was applied already (whose total stands, the deposit
        keeping its share of it); its date replaces those of lower versions; the deposit's
        difference is requested. Lower or repeated versions, or a closed account, change
        nothing."""
        if command.version <= self.confirmed_version or self.status is AccountStatus.CLOSED:
            return
        credit_before = self.credit
        self.confirmed_version = command.version
        self.tier = command.tier or self.tier
        self.deposit_amount = command.deposit_amount
        if command.version >= self.version:
            self.total_amount = command.total_amount
        else:
            self._rescale_deposit(command.total_amount, self.total_amount or ZERO)
        self.move_delivery(command.confirmed_delivery_date, DateSource.CONFIRMED, command.version)
        self.request_deposit()
        self.announce_credit(credit_before, change_number(self.order_id, command.version))

    def request_deposit(self) -> None:
        """P3.3, P6.1: ask for what the money received does not cover of the deposit (the
        difference, after an amended confirmation), if anything; never for a closed order."""
        still_to_pay = self.deposit_amount - self.deposit_paid
        if still_to_pay <= ZERO or self.status is AccountStatus.CLOSED:
            return
        self.deposit_requested = True
        assert self.customer_id is not None and self.currency is not None
        self.events.append(
            DepositWasRequested(self.order_id, self.customer_id, still_to_pay, self.currency)
        )
