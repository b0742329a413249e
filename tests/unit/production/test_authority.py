"""Who in the plant may do what: each act only by its role, every other role refused as beyond
its authority; the automatic policy only for the acts it stands in for (P4.3, P4.4, P4.6, P4.7,
P4.8)."""

import pytest

from services.production.domain.authority import MAY, POLICY, POLICY_ACTS, Act, check
from shared.decisions import BeyondAuthority, Person
from shared.seed import load_seed

ROLES = sorted({user.role for user in load_seed().users} | {POLICY.role})
"""Every role a person of the seed has, and the automatic policy's."""

EXPECTED = {
    Act.APPROVE_REQUISITION: "deputy_general_manager",
    Act.PLACE_PURCHASE_ORDER: "buyer",
    Act.ANSWER_CANCELLATION: "buyer",
    Act.RECORD_DELIVERY: "warehouse_clerk",
    Act.RESOLVE_DELIVERY: "buyer",
    Act.INSPECT_DELIVERY: "qa_inspector",
    Act.SEND_RETURN: "buyer",
    Act.MARK_URGENT: "sales_manager",
    Act.START: "production_manager",
    Act.PATROL: "qa_inspector",
    Act.REQUEST_INSPECTION: "production_manager",
    Act.SIGN_INSPECTION: "qa_inspector",
    Act.DISPOSE: "production_manager",
    Act.RECEIVE: "warehouse_clerk",
    Act.REQUEST_SAFETY_STOCK: "production_planner",
    Act.APPROVE_SAFETY_STOCK: "general_manager",
}
"""The one role the process names for each act."""

REFUSED = [(act, role) for act in Act for role in ROLES if role != EXPECTED[act]]


def test_every_act_has_exactly_the_role_the_process_names() -> None:
    """P4.3, P4.4, P4.6, P4.7, P4.8"""
    assert {act: set(roles) for act, roles in MAY.items()} == {
        act: {role} for act, role in EXPECTED.items()
    }


@pytest.mark.parametrize("act", list(Act), ids=lambda act: act.name)
def test_the_named_role_may_do_its_act(act: Act) -> None:
    """P4.3, P4.4, P4.6, P4.7, P4.8"""
    check(Person("someone", EXPECTED[act]), act)


@pytest.mark.parametrize(
    ("act", "role"), REFUSED, ids=lambda value: str(getattr(value, "name", value))
)
def test_every_other_role_is_refused_as_beyond_its_authority(act: Act, role: str) -> None:
    """P4.3, P4.4, P4.6, P4.7, P4.8"""
    with pytest.raises(BeyondAuthority, match=EXPECTED[act]):
        check(Person("someone", role), act)


@pytest.mark.parametrize("act", sorted(POLICY_ACTS), ids=lambda act: act.name)
def test_the_automatic_policy_may_do_the_acts_it_stands_in_for(act: Act) -> None:
    """P4.3, P4.8"""
    check(POLICY, act)


@pytest.mark.parametrize("act", sorted(set(Act) - POLICY_ACTS), ids=lambda act: act.name)
def test_the_automatic_policy_may_not_do_any_other_act(act: Act) -> None:
    """P4.4, P4.6, P4.7, P4.8"""
    with pytest.raises(BeyondAuthority):
        check(POLICY, act)


def test_the_policy_never_records_a_delivery_nor_decides_rework_rush_or_safety_stock() -> None:
    """P4.4, P4.6, P4.7, P4.8"""
    assert {
        Act.RECORD_DELIVERY,
        Act.INSPECT_DELIVERY,
        Act.RESOLVE_DELIVERY,
        Act.SEND_RETURN,
        Act.MARK_URGENT,
        Act.DISPOSE,
        Act.REQUEST_SAFETY_STOCK,
        Act.APPROVE_SAFETY_STOCK,
    }.isdisjoint(POLICY_ACTS)


@pytest.mark.parametrize("act", sorted(POLICY_ACTS), ids=lambda act: act.name)
def test_a_person_who_merely_claims_the_policy_role_is_refused(act: Act) -> None:
    """P4.3, P4.8"""
    with pytest.raises(BeyondAuthority):
        check(Person("mallory", POLICY.role), act)


def test_a_refusal_names_who_was_refused_and_who_may() -> None:
    """P4.3"""
    with pytest.raises(BeyondAuthority) as refused:
        check(Person("mia.schulz", "buyer"), Act.APPROVE_REQUISITION)

    assert refused.value.message == (
        "mia.schulz (buyer) may not approve or reject a purchase requisition: "
        "deputy_general_manager may"
    )
    assert refused.value.status_code == 403
