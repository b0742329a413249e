"""The bounds of every wire contract, in one place: how long a text may be and which characters
it may hold, what an identifier looks like, how many lines an order has, the range and scale of
quantities and money, and the window of dates.

Each bound is chosen so that what a contract accepts can be stored and computed with by every
service on every supported database: a bounded string fits the `String(n)` columns it ends up in
(PostgreSQL refuses longer values, and NUL in any text), the largest order total (lines x
quantity x unit price) fits the money column NUMERIC(16,2), and a date in the window plus any
offset a service adds (weeks of planning, days of delay, a payment term) is still a date Python
and PostgreSQL can hold. tests/unit/properties/ proves it.
"""

import unicodedata
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, Field

# -- the window of dates ---------------------------------------------------------------------------

DATE_MIN: Final = date(2000, 1, 1)
DATE_MAX: Final = date(2100, 12, 31)
"""Every date a contract carries lies in [DATE_MIN, DATE_MAX]. Business windows that depend on
today (a delivery date at most five years ahead, P1.3) are the intake check's, not the
contract's: the contract's window is static, so every service can validate it without a clock."""

MAX_DAYS_IN_WINDOW: Final = (DATE_MAX - DATE_MIN).days


def _date_in_window(value: date) -> date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(f"date must lie between {DATE_MIN} and {DATE_MAX}")
    return value


def _moment_in_window(value: datetime) -> datetime:
    if not DATE_MIN <= value.replace(tzinfo=None).date() <= DATE_MAX:
        raise ValueError(f"moment must lie between {DATE_MIN} and {DATE_MAX}")
    return value


def moment_within_window(value: datetime) -> datetime:
    """A UTC moment moved just inside the contracts' window: for a moment a service derived
    (a deadline at the end of the last day, an event stamped east of UTC on the first day)
    that must go back on the wire."""
    low = datetime.combine(DATE_MIN, time(0), tzinfo=UTC)
    high = datetime.combine(DATE_MAX, time.max, tzinfo=UTC)
    return min(max(value.astimezone(UTC), low), high)


_DATE_SCHEMA: Final = {"formatMinimum": DATE_MIN.isoformat(), "formatMaximum": DATE_MAX.isoformat()}

ContractDate = Annotated[
    date, AfterValidator(_date_in_window), Field(json_schema_extra=_DATE_SCHEMA)
]
"""A calendar date within the contracts' window (ISO 8601, e.g. 2027-03-15)."""

ContractMoment = Annotated[
    AwareDatetime, AfterValidator(_moment_in_window), Field(json_schema_extra=_DATE_SCHEMA)
]
"""A moment with its UTC offset, on a day within the contracts' window."""

LocalOrAwareMoment = Annotated[
    datetime, AfterValidator(_moment_in_window), Field(json_schema_extra=_DATE_SCHEMA)
]
"""A moment, with or without offset (another system's clock), within the contracts' window."""

DaysLate = Annotated[int, Field(ge=0, le=MAX_DAYS_IN_WINDOW)]

# -- order lines, quantities and money -------------------------------------------------------------

MAX_LINES: Final = 200
"""Lines per order."""
MAX_QUANTITY: Final = 100_000
"""Units per line."""
MAX_UNIT_PRICE: Final = Decimal("1000000.00")
"""Price per unit."""
MONEY_PRECISION: Final = 16
MONEY_SCALE: Final = 2
MAX_MONEY: Final = Decimal("99999999999999.99")
"""The largest amount of the money column, NUMERIC(16,2)."""
MAX_ORDER_TOTAL: Final = MAX_LINES * MAX_QUANTITY * MAX_UNIT_PRICE
"""The largest total an order can have: every line at the largest quantity and price."""
MAX_UNITS_PER_ORDER: Final = MAX_LINES * MAX_QUANTITY
assert MAX_ORDER_TOTAL <= MAX_MONEY, "an order's total must fit the money column"

MAX_QUANTITY_PER_UNIT: Final = Decimal(1_000_000)
"""Material per finished unit (seed): with MAX_UNITS_PER_ORDER, an order's need of a material
fits the material quantity column NUMERIC(20,6)."""
MAX_MATERIAL_QUANTITY: Final = Decimal(1_000_000_000_000)
"""Material on hand (seed)."""
MAX_WEEKLY_UNITS: Final = 1_000_000_000
"""Finished units per week (seed): fits a 32-bit INTEGER column, as does any order's units."""
MAX_LEAD_TIME_DAYS: Final = 3650
MATERIAL_QUANTITY_LIMIT: Final = Decimal(10) ** 14
"""Material quantities are NUMERIC(20,6): below 10**14."""
assert MAX_QUANTITY_PER_UNIT * MAX_UNITS_PER_ORDER < MATERIAL_QUANTITY_LIMIT
assert MAX_MATERIAL_QUANTITY < MATERIAL_QUANTITY_LIMIT
assert MAX_UNITS_PER_ORDER < MAX_WEEKLY_UNITS < 2**31

Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
"""Units of a product on one line."""
LineNumber = Annotated[int, Field(ge=1, le=MAX_LINES)]

Money = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_MONEY,
        max_digits=MONEY_PRECISION,
        decimal_places=MONEY_SCALE,
        description="Exact decimal amount, as a JSON string",
    ),
]
"""An amount of money: at most two decimal places, never negative, fits NUMERIC(16,2)."""

UnitPrice = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_UNIT_PRICE,
        max_digits=MONEY_PRECISION,
        decimal_places=MONEY_SCALE,
        description="Exact decimal price per unit, as a JSON string",
    ),
]

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]

MAX_VERSIONS: Final = 100
"""Versions of one order: the order as placed and at most 99 changes (P7.1)."""
OrderVersion = Annotated[int, Field(ge=1, le=MAX_VERSIONS)]
"""Version 1 is the order as placed; version n is what change n made of it."""
ChangeNo = Annotated[int, Field(ge=2, le=MAX_VERSIONS)]
"""A change's number: the version it would make (its document is CR-<order id>-<n>)."""
MAX_RETURNS: Final = 100
"""Returns of one order (RT-<order id>-<n>)."""
ReturnNo = Annotated[int, Field(ge=1, le=MAX_RETURNS)]

# -- characters ------------------------------------------------------------------------------------

FORBIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Characters no person's text may hold: controls (NUL, C0, C1), format characters (among them
the bidi overrides and isolates U+202A-U+202E, U+2066-U+2069 and zero-width characters),
surrogates, private-use and unassigned code points, line and paragraph separators."""


def forbidden_character(text: str) -> tuple[int, str] | None:
    """The first character a person's text may not hold, with its position; None if none."""
    if text.isprintable():  # the forbidden categories are all non-printable: done in C
        return None
    for position, character in enumerate(text):
        if unicodedata.category(character) in FORBIDDEN_CATEGORIES:
            return position, character
    return None


def _printable(value: str) -> str:
    found = forbidden_character(value)
    if found is not None:
        position, character = found
        raise ValueError(
            f"character U+{ord(character):04X} at position {position} is not allowed "
            "(no control, format, bidi, surrogate, private-use or unassigned characters)"
        )
    return value


PRINTABLE: Final = AfterValidator(_printable)
"""Refuses a text that holds a character no person's text may hold."""

CODE_PATTERN: Final = r"^[A-Za-z0-9]+(?:[._/-][A-Za-z0-9]+)*$"
"""An identifier: ASCII letters and digits in groups joined by single '.', '_', '/' or '-'."""
ORDER_ID_PATTERN: Final = r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"
REFERENCE_PATTERN: Final = r"^[!-~](?:[ -~]*[!-~])?$"
"""Printable ASCII, no blank at either end."""

OrderId = Annotated[str, Field(min_length=1, max_length=40, pattern=ORDER_ID_PATTERN)]
"""An order number (SO-2027-000001): upper-case letters and digits joined by '-'."""
CustomerId = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]
ProductCode = Annotated[str, Field(min_length=1, max_length=50, pattern=CODE_PATTERN)]
MaterialCode = Annotated[str, Field(min_length=1, max_length=50, pattern=CODE_PATTERN)]
DocumentNumber = Annotated[str, Field(min_length=1, max_length=50, pattern=CODE_PATTERN)]
"""Production order, shipment and invoice numbers."""
PaymentId = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]
Submitter = Annotated[str, Field(min_length=1, max_length=100, pattern=CODE_PATTERN)]
"""The name of the submitting system or desk."""
ServiceName = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]
PaymentTerm = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]
"""A payment term's code, e.g. net30."""
Reference = Annotated[str, Field(min_length=1, max_length=100, pattern=REFERENCE_PATTERN)]
"""Another party's reference (a customer's order reference, a bank transaction id)."""
TrackingNumber = Annotated[str, Field(min_length=1, max_length=100, pattern=REFERENCE_PATTERN)]
UserName = Annotated[str, Field(min_length=1, max_length=100, pattern=CODE_PATTERN)]
"""A user of the HTTP APIs, as recorded with every decision."""

Name = Annotated[str, Field(min_length=1, max_length=200), PRINTABLE]
"""A person's, a company's or a product's name."""
Street = Annotated[str, Field(min_length=1, max_length=200), PRINTABLE]
PostalCode = Annotated[str, Field(min_length=1, max_length=20), PRINTABLE]
City = Annotated[str, Field(min_length=1, max_length=100), PRINTABLE]
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^\s@]+@[^\s@]+$"), PRINTABLE]
Phone = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^\+?[0-9 ()./-]*[0-9][0-9 ()./-]*$")
]
Unit = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9%/.-]+$")]
"""A unit of measure (pc, kg, m2)."""
Payer = Annotated[str, Field(max_length=200), PRINTABLE]
PayerReference = Annotated[str, Field(min_length=1, max_length=200), PRINTABLE]
"""A payment reference as a payer typed it."""

REASON_MAX: Final = 1000
Reason = Annotated[str, Field(max_length=REASON_MAX), PRINTABLE]
"""Why, in words a person can act on."""
RequiredReason = Annotated[str, Field(min_length=1, max_length=REASON_MAX), PRINTABLE]
FIELD_PATH_MAX: Final = 200
FieldPath = Annotated[str, Field(max_length=FIELD_PATH_MAX), PRINTABLE]
ShortText = Annotated[str, Field(min_length=1, max_length=100), PRINTABLE]
Company = Annotated[str, Field(min_length=1, max_length=200), PRINTABLE]
DocumentPath = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^/[!-~]*$")]
IsoMomentText = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9T:.+Z-]+$")]
NOTICE_SUBJECT_MAX: Final = 200
NoticeSubject = Annotated[str, Field(min_length=1, max_length=NOTICE_SUBJECT_MAX), PRINTABLE]
"""A notice's subject line (customer.notified)."""
NOTICE_TEXT_MAX: Final = 4000
NoticeText = Annotated[str, Field(min_length=1, max_length=NOTICE_TEXT_MAX), PRINTABLE]
"""A notice's text in plain words, one paragraph: a line break is a control character."""
IsoWeek = Annotated[str, Field(max_length=10, pattern=r"^[0-9]{4}-W[0-9]{2}$")]

MAX_PROBLEMS: Final = 1000
"""Problems listed in one rejection or hold: an order's lines can hold three defects each."""
REJECTION_PROBLEMS: Final = 100
"""Problems a rejection lists at most (the last one says how many more there were), so that any
rejection stays far below the broker's record size."""
MAX_REASONS: Final = 20
MAX_PAYMENT_TERMS: Final = 20


def clip(text: str, limit: int = REASON_MAX) -> str:
    """`text` shortened to at most `limit` characters, marked with '…' where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_unprintable(text: str) -> str:
    """`text` with every character a person's text may not hold written as an escape (\\u0000),
    so any string, even one with lone surrogates, becomes printable text."""
    if forbidden_character(text) is None:
        return text
    return "".join(
        character.encode("unicode_escape").decode("ascii")
        if unicodedata.category(character) in FORBIDDEN_CATEGORIES
        else character
        for character in text
    )


def safe_text(text: str, limit: int = REASON_MAX) -> str:
    """Any string as bounded, printable text: escaped, then clipped."""
    return clip(escape_unprintable(clip(text, limit)), limit)
