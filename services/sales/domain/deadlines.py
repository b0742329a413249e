"""How long each step of an order may take, who owns it, and when a step heading for a late
finish is flagged (P1.5, P8.2). Pure values: the step watch and the customer notices both read
them, so the date the customer is promised and the deadline sales watches are the same."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from shared.contracts.steps import StepName

STEP_OWNERS: dict[StepName, str] = {
    "review": "sales_manager",
    "signed_confirmation": "sales_rep",
    "deposit": "sales_rep",
    "production": "production_planner",
    "shipment": "dispatcher",
    "delivery": "dispatcher",
    "payment": "finance_clerk",
    "change_ack_review": "deputy_general_manager",
    "change_ack_production": "production_planner",
    "change_ack_logistics": "dispatcher",
    "change_ack_finance": "finance_manager",
    "change_charge": "sales_manager",
    "return_authorisation": "sales_manager",
    "return_receipt": "order_clerk",
    "return_inspection": "qa_inspector",
    "return_send_back": "dispatcher",
}
"""The role that owns each step and must act when it is flagged."""


@dataclass(frozen=True)
class Deadlines:
    """Time allowed for the steps whose deadline is not a date on the order itself
    (production: the delivery date; delivery: the shipping notice's day; payment: the
    invoice's due date)."""

    review: timedelta = timedelta(days=2)
    """From placement to the review's outcome; also what the customer is told (P1.5)."""
    signed_confirmation: timedelta = timedelta(days=1)
    """From the confirmation sent to the signed copy back (P3.4: the same day)."""
    deposit: timedelta = timedelta(days=5)
    """From the deposit asked to the order released for production (P3.3)."""
    shipment: timedelta = timedelta(days=2)
    """From the goods produced to the goods shipped (P5)."""
    change_charge: timedelta = timedelta(days=2)
    """From production's report of what a change finds spent to the sales manager's charge
    (P7.2). A department's acknowledgement is due by the change's `answer_by`."""
    return_authorisation: timedelta = timedelta(days=2)
    """From a return requested to the sales manager's authorisation or refusal (P7.5)."""
    return_receipt: timedelta = timedelta(days=14)
    """From a return authorised to the goods received back (the customer sends them)."""
    return_inspection: timedelta = timedelta(days=2)
    """From the returned goods received to QA's verdict."""
    return_send_back: timedelta = timedelta(days=2)
    """From QA's verdict to the rejected units sent back to the customer."""
    warning_share: Decimal = Decimal("0.75")
    """A step still open after this share of its time is flagged as a warning."""

    def of_return(self, step: StepName) -> timedelta:
        """The time a return's step may take (P7.5, P8.2)."""
        allowed = {
            "return_authorisation": self.return_authorisation,
            "return_receipt": self.return_receipt,
            "return_inspection": self.return_inspection,
            "return_send_back": self.return_send_back,
        }
        return allowed[step]
