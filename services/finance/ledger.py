"""What one unit of work does to finance's accounts (P3.3, P5.2, P6.1 to P6.4): it loads the
accounts it touches once, lets the domain change them, matches payments that waited for an
order, lets the automatic policy stand in for the finance clerk where a deployment switches it
on, and at the end stores every account with its checks and invoices, moves the customers'
open balances and collects the events for the outbox.

Bus handlers, people's decisions and the collection round all work through a `Ledger`, so a
credit applied from one order to another, or a payment that passes a refused check and clears
an overdue invoice, is one transaction with all its events.
"""

from copy import copy
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters import customers, money, repository
from services.finance.adapters.wire import balance_updated, to_wire, unmatched_payment
from services.finance.domain.balance import CustomerBalance
from services.finance.domain.checks import CheckStatus
from services.finance.domain.commands import CustomerTerms, ReceivePayment, is_finance_own
from services.finance.domain.events import Payment, PaymentKind
from services.finance.domain.matching import (
    OWN_TRANSACTION_REASON,
    UnmatchedPayment,
    assign,
    order_id_from_reference,
    unmatched,
    unmatched_reason,
    waiting_reason,
)
from services.finance.domain.model import Account
from shared.contracts import Event
from shared.decisions import Signature, automatic_policy

ZERO = Decimal("0.00")
POLICY_ROLE = "finance_clerk"


class Ledger:
    def __init__(self, connection: AsyncConnection, now: datetime, policy: bool = False) -> None:
        self.connection = connection
        self.now = now
        self.today = now.date()
        self.policy = policy
        """The automatic policy stands in for the finance clerk (off unless switched on)."""
        self.accounts: dict[str, Account] = {}
        self.before: dict[str, Account | None] = {}
        self.forced: set[str] = set()
        self.other: list[Event] = []
        """Events about no order (unmatched payments)."""

    # -- accounts ---------------------------------------------------------------------------

    async def account(self, order_id: str) -> Account | None:
        if order_id not in self.accounts:
            found = await repository.load(self.connection, order_id)
            if found is None:
                return None
            self.accounts[order_id] = found
            self.before[order_id] = copy(found)
        return self.accounts[order_id]

    async def account_or_start(self, order_id: str) -> Account:
        found = await self.account(order_id)
        if found is None:
            found = Account.start(order_id)
            self.accounts[order_id] = found
            self.before[order_id] = None
        return found

    def touch(self, account: Account) -> None:
        """Store the account at the end even if nothing in it changed."""
        self.forced.add(account.order_id)

    async def customer(self, account: Account, customer_id: str | None = None) -> CustomerTerms:
        """What finance knows of the account's customer (or of `customer_id`, for an order
        about to open it) now (P5.2, P6.3, P6.4)."""
        customer_id = account.customer_id or customer_id
        if customer_id is None:
            return CustomerTerms(tier=account.tier)
        record = await customers.load_customer(self.connection, customer_id)
        balance = await customers.load_balance(self.connection, customer_id)
        return CustomerTerms(
            tier=record.tier if record else account.tier,
            default_terms=record.default_terms if record else None,
            credit_limit=record.credit_limit if record else None,
            open_balance=balance.open_balance if balance else ZERO,
            overdue_invoices=balance.overdue_invoices if balance else 0,
        )

    def signature(self) -> Signature:
        return Signature.of(automatic_policy(POLICY_ROLE), self.now)

    # -- what the bus and people do through it ----------------------------------------------

    async def opened(self, account: Account) -> None:
        """After the order or its confirmation: payments that waited for the order are put
        against it in its currency (P6.2); the automatic policy decides checks (P5.2)."""
        if not account.is_opened:
            return
        for waiting in await money.waiting_for(self.connection, account.order_id):
            if waiting.held_as_finance_own:
                continue
            reason = waiting_reason(account, waiting)
            if reason is not None:
                await money.save_unmatched(self.connection, _with_reason(waiting, reason))
                continue
            await money.save_unmatched(self.connection, assign(waiting, account, None))
            await self.receive(account, waiting.as_payment(account.order_id))
        await self.act_for_people(account)

    async def act_for_people(self, account: Account) -> None:
        """P5.2: with the automatic policy on, every pending check is signed when the money
        and the tier allow it, otherwise refused with the amounts as reason."""
        if not self.policy:
            return
        pending = [c for c in account.checks if c.status is CheckStatus.PENDING]
        if not pending:
            return
        customer = await self.customer(account)
        for check in pending:
            _check, assessment = account.assess(check.shipment_id, customer)
            if assessment.may_sign:
                account.sign_check(check.shipment_id, customer, self.signature())
            else:
                reason = assessment.amounts(account.currency or "")
                account.refuse_check(check.shipment_id, customer, reason, self.signature())

    async def take(self, command: ReceivePayment, kind: PaymentKind | None = None) -> None:
        """P6.1, P6.2: put money against the order its reference names, once per bank
        transaction; money for no known order, or in another currency, is kept unmatched. A
        bank's payment (no `kind`) whose id lies in finance's own namespace is held for a
        person, never recorded, so finance's own money under that id is still taken later."""
        if kind is None and is_finance_own(command.bank_transaction_id):
            await self._hold_finance_own(command)
            return
        if await self._known(command.bank_transaction_id):
            return
        account = await self.account(order_id_from_reference(command.order_reference))
        reason = unmatched_reason(account, command)
        if reason is not None or account is None:
            await self._keep(unmatched(command, reason or "no order"))
            return
        await self.receive(account, command, kind)

    async def _hold_finance_own(self, command: ReceivePayment) -> None:
        """P6.2: the bank reported an id finance gives its own money: kept once, for a person."""
        if await money.load_unmatched(self.connection, command.bank_transaction_id) is None:
            await self._keep(unmatched(command, OWN_TRANSACTION_REASON))

    async def _known(self, bank_transaction_id: str) -> bool:
        """Recorded already, matched or kept; a bank's payment held under the id does not
        count (P6.2)."""
        if not is_finance_own(bank_transaction_id):
            return await money.transaction_known(self.connection, bank_transaction_id)
        kept = await money.load_unmatched(self.connection, bank_transaction_id)
        if kept is not None and not kept.held_as_finance_own:
            return True
        return await money.transaction_recorded(self.connection, bank_transaction_id)

    async def _keep(self, kept: UnmatchedPayment) -> None:
        await money.add_unmatched(self.connection, kept)
        self.other.append(unmatched_payment(kept, None, self.now))

    async def receive(
        self, account: Account, command: ReceivePayment, kind: PaymentKind | None = None
    ) -> Payment:
        payment_id = await money.next_payment_number(self.connection, self.today.year)
        payment = account.receive_payment(payment_id, command, kind)
        await money.add_payment(self.connection, payment)
        return payment

    # -- the end of the unit of work --------------------------------------------------------

    async def events(self, causation_id: UUID | None) -> list[Event]:
        """Store every account touched, in order; their events, and the balance changes of
        their customers (P6.4)."""
        out: list[Event] = []
        for other in self.other:
            out.append(other.model_copy(update={"causation_id": causation_id}))
        self.other.clear()
        for order_id, account in self.accounts.items():
            before = self.before[order_id]
            if before is None or account != before or order_id in self.forced:
                await repository.store(self.connection, account, before)
            out += [to_wire(e, order_id, causation_id, self.now) for e in account.events]
            account.events.clear()
            out += await self._move_balance(account, before, causation_id)
            self.before[order_id] = copy(account)
        self.forced.clear()
        return out

    async def _move_balance(
        self, account: Account, before: Account | None, causation_id: UUID | None
    ) -> list[Event]:
        """P6.4: a confirmed order's change moves its customer's open balance, published on
        balance.updated; overdue invoices are counted for the A-tier credit exception."""
        was_open = before.open_amount if before else ZERO
        was_overdue = before.overdue_invoices if before else 0
        if account.customer_id is None or account.currency is None:
            return []
        if account.open_amount == was_open and account.overdue_invoices == was_overdue:
            return []
        balance = await customers.load_balance(self.connection, account.customer_id)
        is_new = balance is None
        if balance is None:
            record = await customers.load_customer(self.connection, account.customer_id)
            currency = record.currency if record else account.currency
            balance = CustomerBalance.start(account.customer_id, currency)
        balance.record_change(account.order_id, account.currency, was_open, account.open_amount)
        balance.record_overdue(was_overdue, account.overdue_invoices)
        if is_new:
            await customers.add_balance(self.connection, balance)
        else:
            await customers.save_balance(self.connection, balance)
        return [balance_updated(event, causation_id, self.now) for event in balance.events]


def _with_reason(payment: UnmatchedPayment, reason: str) -> UnmatchedPayment:
    return replace(payment, reason=reason)
