"""A department's feasibility answer (P2.4): feasible, feasible from a later date, or not."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


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
