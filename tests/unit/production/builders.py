"""What the production unit tests build their cases from: people and their signatures, stock,
material lines, and a calendar with a known week."""

from datetime import UTC, date, datetime
from decimal import Decimal

from services.production.domain.materials import Stock
from services.production.domain.planner import CapacityCalendar
from services.production.domain.stock import MaterialLine
from shared.decisions import Person, Signature

NOW = datetime(2031, 8, 6, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
"""A Wednesday in ISO week 2031-W32."""
MONDAY = date(2031, 8, 4)
"""The Monday of 2031-W32."""
LEAD_DAYS = 5

CALENDAR = CapacityCalendar(default_units=100, overrides={"2031-W33": 60}, lead_days=LEAD_DAYS)

BUYER = Person("mia.schulz", "buyer")
DEPUTY = Person("anna.koch", "deputy_general_manager")
CLERK = Person("tom.berg", "warehouse_clerk")
INSPECTOR = Person("eva.lang", "qa_inspector")
MANAGER = Person("paul.meyer", "production_manager")
SALES_MANAGER = Person("jonas.weber", "sales_manager")
PLANNER = Person("lena.vogel", "production_planner")
GENERAL_MANAGER = Person("li.wang", "general_manager")


def signed(person: Person = MANAGER, at: datetime = NOW) -> Signature:
    return Signature.of(person, at)


def stock(
    code: str,
    on_hand: str,
    reserved_by_others: str = "0",
    lead_time_days: int | None = 14,
    unit: str = "kg",
) -> Stock:
    return Stock(
        material_code=code,
        name=f"{code} name",
        unit=unit,
        on_hand=Decimal(on_hand),
        reserved_by_others=Decimal(reserved_by_others),
        lead_time_days=lead_time_days,
        supplier="Stahlwerk AG",
    )


def line(
    code: str,
    need: str,
    reserved: str | None = None,
    expected_on: date | None = None,
    unit: str = "kg",
) -> MaterialLine:
    """A material line; everything reserved unless `reserved` says less."""
    held = Decimal(need if reserved is None else reserved)
    return MaterialLine(code, unit, Decimal(need), held, Decimal(need) - held, expected_on)
