"""Who in the plant may do what (P4.3, P4.4, P4.6, P4.7, P4.8, P8.1)."""

from enum import StrEnum

from shared.decisions import BeyondAuthority, Person

POLICY = Person("policy:production", "policy")
"""The automatic policy, when a deployment switches it on: it stands in for the people."""


class Act(StrEnum):
    APPROVE_REQUISITION = "approve or reject a purchase requisition"
    PLACE_PURCHASE_ORDER = "place a purchase order"
    ANSWER_CANCELLATION = "answer a request to cancel a purchase order"
    RECORD_DELIVERY = "record a supplier delivery"
    RESOLVE_DELIVERY = "assign or return a delivery that waits for purchasing"
    INSPECT_DELIVERY = "inspect incoming material"
    SEND_RETURN = "send rejected material back to the supplier"
    MARK_URGENT = "mark an order urgent"
    START = "start production"
    PATROL = "inspect an operation"
    REQUEST_INSPECTION = "ask for inspection of finished units"
    SIGN_INSPECTION = "sign a finished-goods inspection"
    DISPOSE = "have failed units reworked or scrapped"
    RECEIVE = "receive finished goods into the warehouse"
    REQUEST_SAFETY_STOCK = "ask for safety stock"
    APPROVE_SAFETY_STOCK = "approve or reject safety stock"


MAY: dict[Act, frozenset[str]] = {
    Act.APPROVE_REQUISITION: frozenset({"deputy_general_manager"}),
    Act.PLACE_PURCHASE_ORDER: frozenset({"buyer"}),
    Act.ANSWER_CANCELLATION: frozenset({"buyer"}),
    Act.RECORD_DELIVERY: frozenset({"warehouse_clerk"}),
    Act.RESOLVE_DELIVERY: frozenset({"buyer"}),
    Act.INSPECT_DELIVERY: frozenset({"qa_inspector"}),
    Act.SEND_RETURN: frozenset({"buyer"}),
    Act.MARK_URGENT: frozenset({"sales_manager"}),
    Act.START: frozenset({"production_manager"}),
    Act.PATROL: frozenset({"qa_inspector"}),
    Act.REQUEST_INSPECTION: frozenset({"production_manager"}),
    Act.SIGN_INSPECTION: frozenset({"qa_inspector"}),
    Act.DISPOSE: frozenset({"production_manager"}),
    Act.RECEIVE: frozenset({"warehouse_clerk"}),
    Act.REQUEST_SAFETY_STOCK: frozenset({"production_planner"}),
    Act.APPROVE_SAFETY_STOCK: frozenset({"general_manager"}),
}
"""The roles that may do each act; the automatic policy may do the acts it stands in for."""

POLICY_ACTS = frozenset(
    {
        Act.APPROVE_REQUISITION,
        Act.PLACE_PURCHASE_ORDER,
        Act.START,
        Act.PATROL,
        Act.REQUEST_INSPECTION,
        Act.SIGN_INSPECTION,
        Act.RECEIVE,
    }
)


def check(person: Person, act: Act) -> None:
    """Refuse (403, nothing changes) a person whose role may not do `act`."""
    if person == POLICY and act in POLICY_ACTS:
        return
    if person.role not in MAY[act]:
        roles = ", ".join(sorted(MAY[act]))
        raise BeyondAuthority(f"{person.user} ({person.role}) may not {act.value}: {roles} may")
