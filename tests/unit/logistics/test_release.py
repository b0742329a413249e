"""Release signatures (P5.1, P8.1) and emergency releases with their escalation (P5.3)."""

from datetime import timedelta

import pytest

from services.logistics.domain.authority import (
    check_emergency_release,
    check_release,
    releaser_for,
)
from services.logistics.domain.calendar import one_working_day_after
from services.logistics.domain.events import ShipmentWasEscalated, ShipmentWasReleased
from services.logistics.domain.shipment import ShipmentStatus
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, Person
from tests.unit.logistics.builders import (
    AUTHORITY,
    CUSTOMER_SERVICE,
    FINANCE_CLERK,
    FRIDAY,
    GENERAL_MANAGER,
    LEAD,
    SALES_MANAGER,
    finance_check,
    requested,
    signed,
)


@pytest.mark.rule("P5.1")
def test_no_release_before_finances_check_passed() -> None:
    shipment = requested()
    shipment.record_check(finance_check(passed=False))

    with pytest.raises(NotAllowedNow, match="check"):
        shipment.sign_release(signed(SALES_MANAGER))
    assert shipment.status is ShipmentStatus.REQUESTED and shipment.release is None


@pytest.mark.rule("P5.1")
def test_a_passed_check_and_the_signature_release_the_shipment() -> None:
    shipment = requested()
    shipment.events.clear()
    shipment.record_check(finance_check())

    shipment.sign_release(signed(SALES_MANAGER))

    assert shipment.status is ShipmentStatus.RELEASED
    assert shipment.events == [ShipmentWasReleased(shipment.shipment_id, "signed")]


@pytest.mark.rule("P5.1")
def test_the_person_who_signed_the_payment_check_cannot_sign_the_release() -> None:
    both = Person(FINANCE_CLERK.user, "general_manager")

    with pytest.raises(BeyondAuthority, match="payment check"):
        check_release(both, finance_check(signer=FINANCE_CLERK), AUTHORITY)


@pytest.mark.rule("P8.1")
def test_the_sales_manager_may_not_release_beyond_the_authority_the_general_manager_may() -> None:
    above = finance_check(amount="50000.01")

    with pytest.raises(BeyondAuthority, match="authority"):
        check_release(SALES_MANAGER, above, AUTHORITY)
    check_release(SALES_MANAGER, finance_check(amount="50000.00"), AUTHORITY)
    check_release(GENERAL_MANAGER, above, AUTHORITY)


@pytest.mark.rule("P8.1")
def test_a_credit_exception_needs_the_general_manager() -> None:
    excepted = finance_check(credit_exception=True)

    with pytest.raises(BeyondAuthority, match="credit exception"):
        check_release(SALES_MANAGER, excepted, AUTHORITY)
    check_release(GENERAL_MANAGER, excepted, AUTHORITY)
    assert releaser_for(excepted, AUTHORITY) == "general_manager"
    assert releaser_for(finance_check(), AUTHORITY) == "sales_manager"


@pytest.mark.rule("P5.1")
def test_customer_service_may_not_sign_a_release() -> None:
    with pytest.raises(BeyondAuthority):
        check_release(CUSTOMER_SERVICE, finance_check(), AUTHORITY)


@pytest.mark.rule("P5.3")
def test_the_lead_may_release_an_a_tier_shipment_in_an_emergency_but_not_an_unpaid_b_or_c() -> None:
    check_emergency_release(LEAD, "A", None)
    for tier in ("B", "C", None):
        with pytest.raises(BeyondAuthority, match="general manager"):
            check_emergency_release(LEAD, tier, finance_check(passed=False, tier=tier or "B"))
    check_emergency_release(LEAD, "B", finance_check(tier="B"))
    check_emergency_release(GENERAL_MANAGER, "C", None)


@pytest.mark.rule("P5.3")
def test_an_emergency_release_needs_a_reason() -> None:
    shipment = requested()

    with pytest.raises(InvalidDecision):
        shipment.release_in_emergency(signed(LEAD), "   ")
    assert shipment.status is ShipmentStatus.REQUESTED and shipment.emergency is None


@pytest.mark.rule("P5.3")
def test_a_release_on_friday_morning_is_due_on_monday_morning() -> None:
    assert one_working_day_after(FRIDAY) == FRIDAY + timedelta(days=3)
    assert one_working_day_after(FRIDAY - timedelta(days=1)) == FRIDAY


@pytest.mark.rule("P5.3")
def test_missing_signatures_are_escalated_once_a_working_day_after_the_emergency_release() -> None:
    shipment = requested()
    shipment.release_in_emergency(signed(LEAD), "line stop at the customer")
    shipment.events.clear()

    shipment.escalate_if_due(FRIDAY + timedelta(days=2, hours=23))  # Sunday
    assert shipment.events == []

    monday = FRIDAY + timedelta(days=3)
    shipment.escalate_if_due(monday)
    shipment.escalate_if_due(monday + timedelta(hours=1))
    assert shipment.events == [ShipmentWasEscalated(shipment.shipment_id, ("finance", "release"))]


@pytest.mark.rule("P5.3")
def test_signatures_collected_in_time_leave_nothing_to_escalate() -> None:
    shipment = requested()
    shipment.release_in_emergency(signed(LEAD), "line stop at the customer")
    shipment.record_check(finance_check())
    shipment.sign_release(signed(SALES_MANAGER))
    shipment.events.clear()

    shipment.escalate_if_due(FRIDAY + timedelta(days=7))

    assert shipment.events == [] and shipment.escalate_at is None
    assert shipment.status is ShipmentStatus.RELEASED


@pytest.mark.rule("P5.3")
def test_only_the_missing_signature_is_escalated() -> None:
    shipment = requested()
    shipment.release_in_emergency(signed(LEAD), "line stop")
    shipment.record_check(finance_check())
    shipment.events.clear()

    shipment.escalate_if_due(FRIDAY + timedelta(days=3))

    assert shipment.events == [ShipmentWasEscalated(shipment.shipment_id, ("release",))]


@pytest.mark.rule("P5.2")
def test_finances_checks_count_in_the_order_they_arrive_whatever_their_clocks_say() -> None:
    shipment = requested()
    shipment.record_check(finance_check(passed=False, at=FRIDAY + timedelta(minutes=5)))

    shipment.record_check(finance_check(passed=True, signer=None, at=FRIDAY))

    assert shipment.finance_passed
    shipment.sign_release(signed(SALES_MANAGER))
    assert shipment.status is ShipmentStatus.RELEASED
