"""Hypothesis strategies for the contracts' extreme valid values: texts at their longest, of
any character a person's text may hold (astral planes included), identifiers at their longest,
the most lines, the largest and smallest quantities and amounts, dates at the window's edges."""

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from shared.contracts import bounds
from shared.contracts.bounds import (
    DATE_MAX,
    DATE_MIN,
    FORBIDDEN_CATEGORIES,
    MAX_LINES,
    MAX_MONEY,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
)

PRINTABLE = st.characters(exclude_categories=tuple(sorted(FORBIDDEN_CATEGORIES)))  # type: ignore[arg-type]
"""Any character a person's text may hold."""


def text(max_size: int, min_size: int = 1) -> st.SearchStrategy[str]:
    """Printable text, often at its longest or shortest."""
    return st.one_of(
        st.text(PRINTABLE, min_size=max_size, max_size=max_size),
        st.text(PRINTABLE, min_size=min_size, max_size=min(max_size, 8)),
        st.text(PRINTABLE, min_size=min_size, max_size=max_size),
    )


def matching(pattern: str, max_size: int) -> st.SearchStrategy[str]:
    """Strings of a pattern, often at their longest."""
    regex = re.compile(pattern)
    longest = st.from_regex(pattern, fullmatch=True).map(
        lambda value: (value * (max_size // max(len(value), 1) + 1))[:max_size]
    )
    return st.one_of(
        longest.filter(lambda value: regex.fullmatch(value) is not None),
        st.from_regex(pattern, fullmatch=True).filter(lambda value: len(value) <= max_size),
    )


def code(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just("Z" * max_size),
        st.just("9" * (max_size - 2) + "-X"),
        matching(bounds.CODE_PATTERN, max_size),
    )


def order_id() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just("SO-2026-" + "9" * 32), st.just("S"), matching(bounds.ORDER_ID_PATTERN, 40)
    )


def reference(max_size: int = 100) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just("~" * max_size),
        st.just("!" + " " * (max_size - 2) + "!"),
        matching(bounds.REFERENCE_PATTERN, max_size),
    )


def edges(low: Any, high: Any, between: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(low), st.just(high), between)


def dates(low: date = DATE_MIN, high: date = DATE_MAX) -> st.SearchStrategy[date]:
    return edges(low, high, st.dates(low, high))


def money(high: Decimal = MAX_MONEY, low: Decimal = Decimal("0.00")) -> st.SearchStrategy[Decimal]:
    return edges(low, high, st.decimals(low, high, places=2))


def unit_price() -> st.SearchStrategy[Decimal]:
    return money(MAX_UNIT_PRICE)


def quantity() -> st.SearchStrategy[int]:
    return edges(1, MAX_QUANTITY, st.integers(1, MAX_QUANTITY))


def line_count() -> st.SearchStrategy[int]:
    return edges(1, MAX_LINES, st.integers(1, MAX_LINES))


def within_five_years(today: date) -> st.SearchStrategy[date]:
    """Delivery dates intake accepts without a defect (P1.3)."""
    return dates(today, today + timedelta(days=365 * 5))


def contact() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"name": text(200)},
        optional={
            "email": st.one_of(st.just("a@" + "b" * 252), st.just("a@b")),
            "phone": st.one_of(st.just("+" + "9" * 39), st.just("1")),
        },
    )


def address() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "name": text(200),
            "street": text(200),
            "postal_code": text(20),
            "city": text(100),
            "country": st.just("DE"),
        }
    )
