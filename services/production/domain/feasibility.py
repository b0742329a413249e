"""A department's feasibility answer (P2.4): feasible, feasible from a later date, or not."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.production.domain.planner import Slot


class Verdict(StrEnum):
    FEASIBLE = "feasible"
    LATER = "later"
    NOT_FEASIBLE = "not_feasible"


@dataclass(frozen=True)
class Answer:
    """One department's answer for the review meeting; `available_from` only with LATER."""

    verdict: Verdict
    available_from: date | None = None
    reason: str = ""


def production_answer(slot: Slot | None, units: int, requested: date) -> Answer:
    """Production's answer for the week the planner found (P2.4, P4.5): feasible when the
    units are ready before the requested date, else from the day after they are."""
    if slot is None:
        return Answer(Verdict.NOT_FEASIBLE, reason=f"no week has room for {units} units in time")
    where = f"{units} units in {slot.week}, start {slot.start.isoformat()}, ready {slot.ready}"
    if slot.on_time_for(requested):
        return Answer(Verdict.FEASIBLE, reason=where)
    return Answer(Verdict.LATER, available_from=slot.earliest_delivery, reason=where)
