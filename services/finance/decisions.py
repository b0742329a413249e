"""People's decisions in finance and on its documents (P5.2, P6.2, P6.3): each checks the role,
loads what it decides on, lets the domain decide and the ledger carry out the consequences. A
refusal raises before anything is stored, and the unit of work rolls back."""

from datetime import date
from decimal import Decimal

from services.finance.adapters import money, repository
from services.finance.domain.authority import Act, check
from services.finance.domain.checks import PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.matching import UnmatchedPayment, assign, mark_for_refund
from services.finance.domain.model import Account
from services.finance.ledger import Ledger
from shared.decisions import NotFound, Person, Signature


async def _account(ledger: Ledger, order_id: str) -> Account:
    account = await ledger.account(order_id)
    if account is None or not account.is_opened:
        raise NotFound(f"finance knows no order {order_id}")
    return account


def _signed(ledger: Ledger, person: Person) -> Signature:
    return Signature.of(person, ledger.now)


# -- payment checks (P5.2) ---------------------------------------------------------------------


async def decide_check(
    ledger: Ledger, shipment_id: str, sign: bool, reason: str, person: Person
) -> PaymentCheck:
    """P5.2: a finance clerk or manager signs a shipment's payment check (409 for a B or C
    shipment the money does not cover) or refuses it with a reason (422 without)."""
    check(person, Act.CHECK_PAYMENT)
    order_id = await repository.check_owner(ledger.connection, shipment_id)
    if order_id is None:
        raise NotFound(f"finance knows no shipment {shipment_id}")
    account = await _account(ledger, order_id)
    account.require_check(shipment_id)
    customer = await ledger.customer(account)
    if sign:
        account.sign_check(shipment_id, customer, _signed(ledger, person))
    else:
        account.refuse_check(shipment_id, customer, reason, _signed(ledger, person))
    return account.require_check(shipment_id)


# -- unmatched payments (P6.2) -----------------------------------------------------------------


async def _unmatched(ledger: Ledger, tx: str) -> UnmatchedPayment:
    found = await money.load_unmatched(ledger.connection, tx)
    if found is None:
        raise NotFound(f"finance knows no unmatched payment {tx}")
    return found


async def assign_payment(
    ledger: Ledger, tx: str, order_id: str, person: Person
) -> UnmatchedPayment:
    """P6.2: a finance clerk puts an unmatched payment against an order (409 when it is
    resolved already or in another currency than the order's)."""
    check(person, Act.RESOLVE_UNMATCHED)
    payment = await _unmatched(ledger, tx)
    account = await _account(ledger, order_id)
    assigned = assign(payment, account, _signed(ledger, person))
    await money.save_unmatched(ledger.connection, assigned)
    await ledger.receive(account, payment.as_payment(account.order_id))
    return assigned


async def refund_payment(ledger: Ledger, tx: str, reason: str, person: Person) -> UnmatchedPayment:
    """P6.2: a finance clerk marks an unmatched payment to be paid back, with a reason."""
    check(person, Act.RESOLVE_UNMATCHED)
    marked = mark_for_refund(await _unmatched(ledger, tx), reason, _signed(ledger, person))
    await money.save_unmatched(ledger.connection, marked)
    return marked


# -- customer credit (P6.2) --------------------------------------------------------------------


async def refund_credit(
    ledger: Ledger, order_id: str, amount: Decimal | None, reason: str, person: Person
) -> Account:
    """P6.2: the finance manager refunds an order's credit, all of it (null) or part."""
    check(person, Act.MANAGE_CREDIT)
    account = await _account(ledger, order_id)
    account.refund_credit(amount, reason, _signed(ledger, person))
    return account


async def apply_credit(
    ledger: Ledger,
    order_id: str,
    to_order_id: str,
    amount: Decimal | None,
    reason: str,
    person: Person,
) -> Account:
    """P6.2: the finance manager applies an order's credit to another open order of the same
    customer and currency; there it is a payment of kind credit."""
    check(person, Act.MANAGE_CREDIT)
    for first in sorted({order_id, to_order_id}):  # lock both accounts in one order
        await ledger.account(first)
    source = await _account(ledger, order_id)
    target = await _account(ledger, to_order_id)
    payment_id = await money.next_payment_number(ledger.connection, ledger.today.year)
    payment = source.apply_credit(target, amount, reason, _signed(ledger, person), payment_id)
    await money.add_payment(ledger.connection, payment)
    return source


# -- collection (P6.3) -------------------------------------------------------------------------


async def record_collection(
    ledger: Ledger,
    number: str,
    step: str,
    note: str,
    person: Person,
    promised_on: date | None = None,
) -> Invoice:
    """P6.3: customer service records a reminder; the sales rep a follow-up with the day the
    customer promised to pay."""
    check(person, Act.RECORD_REMINDER if step == "reminder" else Act.RECORD_FOLLOW_UP)
    order_id = await repository.invoice_owner(ledger.connection, number)
    if order_id is None:
        raise NotFound(f"finance knows no invoice {number}")
    account = await _account(ledger, order_id)
    return account.record_collection(
        number, step, ledger.today, note, _signed(ledger, person), promised_on
    )
