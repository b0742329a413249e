"""Who in logistics may do what (P5.1, P5.3, P5.4, P5.5, P5.6, P7.5, P8.1)."""

from decimal import Decimal
from enum import StrEnum

from services.logistics.domain.commands import FinanceCheck
from shared.decisions import AUTOMATIC_POLICY_USER, BeyondAuthority, Person


class Act(StrEnum):
    REQUEST = "raise a shipping request"
    RELEASE = "sign a shipment's release"
    EMERGENCY_RELEASE = "release a shipment in an emergency"
    OUTBOUND_CHECK = "check outbound goods"
    HANDOVER = "hand a shipment over to the carrier"
    DISPATCH = "dispatch a shipment"
    RECORD_DELIVERY = "record a delivery receipt"
    REQUEST_RETURN = "record a customer's return"
    AUTHORISE_RETURN = "authorise or decline a return"
    RECEIVE_RETURN = "receive returned goods"
    INSPECT_RETURN = "inspect returned goods"
    SEND_BACK_RETURN = "send rejected returned goods back"


MAY: dict[Act, frozenset[str]] = {
    Act.REQUEST: frozenset({"customer_service", "customer_service_lead"}),
    Act.RELEASE: frozenset({"sales_manager", "general_manager"}),
    Act.EMERGENCY_RELEASE: frozenset({"customer_service_lead", "general_manager"}),
    Act.OUTBOUND_CHECK: frozenset({"dispatcher"}),
    Act.HANDOVER: frozenset({"order_clerk"}),
    Act.DISPATCH: frozenset({"dispatcher"}),
    Act.RECORD_DELIVERY: frozenset({"customer_service", "customer_service_lead"}),
    Act.REQUEST_RETURN: frozenset({"customer_service", "customer_service_lead"}),
    Act.AUTHORISE_RETURN: frozenset({"sales_manager", "general_manager"}),
    Act.RECEIVE_RETURN: frozenset({"order_clerk"}),
    Act.INSPECT_RETURN: frozenset({"qa_inspector"}),
    Act.SEND_BACK_RETURN: frozenset({"dispatcher"}),
}
"""The roles that may do each act; the automatic policy acts in one of them."""


def check(person: Person, act: Act) -> None:
    """Refuse (403, nothing changes) a person whose role may not do `act`."""
    if person.role not in MAY[act]:
        roles = ", ".join(sorted(MAY[act]))
        raise BeyondAuthority(f"{person.user} ({person.role}) may not {act.value}: {roles} may")


def check_release(person: Person, finance: FinanceCheck, authority: Decimal | None) -> None:
    """P5.1, P8.1: the sales manager signs shipments worth up to `authority` (None: any) and
    without a credit exception; the general manager signs any. Whoever signed the payment check
    cannot sign the release (the automatic policy is no person and may stand in for both)."""
    check(person, Act.RELEASE)
    signer = finance.signed
    if signer is not None and signer.user == person.user != AUTOMATIC_POLICY_USER:
        raise BeyondAuthority(f"{person.user} signed the payment check and may not also release")
    if person.role == "general_manager":
        return
    if finance.credit_exception:
        raise BeyondAuthority("a shipment with a credit exception needs the general manager")
    if authority is not None and finance.amount > authority:
        raise BeyondAuthority(
            f"a shipment worth {finance.amount} {finance.currency} is beyond the sales "
            f"manager's authority of {authority}: the general manager must sign"
        )


def releaser_for(finance: FinanceCheck, authority: Decimal | None) -> str:
    """The role the automatic policy signs a release in: the sales manager where the sales
    manager may, the general manager otherwise (P8.1)."""
    beyond = authority is not None and finance.amount > authority
    return "general_manager" if finance.credit_exception or beyond else "sales_manager"


def check_emergency_release(person: Person, tier: str | None, finance: FinanceCheck | None) -> None:
    """P5.3: the customer-service lead may release before the signatures, except a B or C
    customer's shipment whose check has not passed (an unknown tier counts as B or C): that
    only the general manager may."""
    check(person, Act.EMERGENCY_RELEASE)
    paid = finance is not None and finance.passed
    if person.role != "general_manager" and tier != "A" and not paid:
        raise BeyondAuthority(
            f"only the general manager may release a tier {tier or '?'} shipment whose payment "
            "check has not passed"
        )
