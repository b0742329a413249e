"""Sales owns customers and products: a record is announced only when new or changed."""

from decimal import Decimal

import pytest

from services.sales.domain.master import is_new_or_changed
from tests.unit.sales.builders import customer, product


def test_a_record_sales_has_never_stored_is_new() -> None:
    assert is_new_or_changed(None, customer())


def test_an_unchanged_record_is_not_announced_again_even_if_stored_with_more_decimals() -> None:
    stored = customer("B", "30.00", credit_limit=Decimal("60000"))

    assert not is_new_or_changed(stored, customer("B", "30", credit_limit=Decimal("60000.00")))


@pytest.mark.rule("P1.4")
def test_a_changed_tier_or_price_is_announced() -> None:
    assert is_new_or_changed(customer("A"), customer("B"))
    assert is_new_or_changed(product("VALVE-DN50", "48.50"), product("VALVE-DN50", "49.00"))


def test_the_lowest_price_is_the_list_price_less_the_largest_discount_p1_3() -> None:
    assert product("VALVE-DN50", "48.50", "10").lowest_price == Decimal("43.65")


def test_a_price_in_another_currency_is_not_on_the_price_list() -> None:
    assert not product("VALVE-DN50", "48.50").allows(Decimal("48.50"), "USD")
