"""Customer credit from an overpayment (P6.2): money paid beyond the order total is the
customer's; the finance manager refunds it or applies it to another open order of the same
customer and currency."""

from decimal import Decimal

from shared.decisions import InvalidDecision, NotAllowedNow

ZERO = Decimal("0.00")


def available(paid_total: Decimal, total: Decimal | None, used: Decimal) -> Decimal:
    """Paid beyond the total and not yet refunded or applied."""
    if total is None:
        return ZERO
    return max(paid_total - total - used, ZERO)


def amount_to_use(asked: Decimal | None, credit: Decimal, order_id: str) -> Decimal:
    """What a refund or an application takes: what is asked for, or all that is available
    (null); 409 beyond what is available, 422 for nothing."""
    if credit <= ZERO:
        raise NotAllowedNow(f"order {order_id} has no credit")
    amount = credit if asked is None else asked
    if amount <= ZERO:
        raise InvalidDecision("a credit refund or application needs an amount above zero")
    if amount > credit:
        raise NotAllowedNow(f"order {order_id} has {credit} credit available, not {amount}")
    return amount


def check_target(
    source_id: str,
    customer_id: str | None,
    currency: str | None,
    target_id: str,
    target_customer: str | None,
    target_currency: str | None,
    target_due: Decimal,
    amount: Decimal,
) -> None:
    """P6.2: credit goes only to another order of the same customer and currency, and no more
    than that order still owes (409 otherwise)."""
    if target_id == source_id:
        raise NotAllowedNow("credit cannot be applied to the order it arose on")
    if target_customer != customer_id or target_currency != currency:
        raise NotAllowedNow(
            f"order {target_id} is not an order of customer {customer_id} in {currency}"
        )
    if amount > target_due:
        raise NotAllowedNow(f"order {target_id} owes {target_due} {currency}, less than {amount}")
