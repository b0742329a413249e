"""What happened to a production order, for the other departments."""

from dataclasses import dataclass
from datetime import date

from services.production.domain.commands import Line
from services.production.domain.feasibility import Answer
from services.production.domain.quality import Tally
from services.production.domain.stock import MaterialLine


@dataclass(frozen=True)
class Assessment:
    """Production's and purchasing's answers to review (P2.4)."""

    production: Answer
    purchasing: Answer


@dataclass(frozen=True)
class FeasibilityWasAssessed:
    order_id: str
    assessment: Assessment


@dataclass(frozen=True)
class MaterialsWereListed:
    order_id: str
    materials: tuple[MaterialLine, ...]
    needed_by: date
    urgent: bool


@dataclass(frozen=True)
class ScheduleWasChanged:
    order_id: str


@dataclass(frozen=True)
class OrderWasDelayed:
    order_id: str
    cause: str
    confirmed: date
    expected: date
    reason: str


@dataclass(frozen=True)
class GoodsWereProduced:
    order_id: str
    production_order_id: str
    lines: tuple[Line, ...]
    ready_on: date
    tallies: tuple[tuple[str, Tally], ...]


DomainEvent = (
    FeasibilityWasAssessed
    | MaterialsWereListed
    | ScheduleWasChanged
    | OrderWasDelayed
    | GoodsWereProduced
)
