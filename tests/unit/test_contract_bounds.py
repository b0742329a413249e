"""Every wire contract bounds what it accepts (issue 6): texts are printable and not too long,
identifiers follow a tight pattern, an order has 1 to 200 lines, quantities and money have a
range and two decimal places, dates lie in 2000..2100. A submission outside them is rejected
with every problem listed (P1.3)."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.sales.handlers import reject_invalid_submission
from shared.contracts import OrderSubmission, PaymentNotification, SubmissionRejected
from shared.contracts.bounds import clip, escape_unprintable, safe_text
from shared.messaging.routes import Source
from tests.support.orders import submission

LINE = {"product_code": "VALVE-DN50", "quantity": 1, "unit_price": "48.50"}


def valid(**changes: Any) -> OrderSubmission:
    return OrderSubmission.model_validate({**submission("PO-1", total_amount=None), **changes})


def refused(**changes: Any) -> list[str]:
    """The dotted paths of every field the contract refuses."""
    with pytest.raises(ValidationError) as refusal:
        valid(**changes)
    return [".".join(map(str, error["loc"])) for error in refusal.value.errors()]


@pytest.mark.parametrize(
    "name",
    [
        "Jana\x00Keller",
        "Jana\x1b[31m",
        "Jana\x85",
        "Jana\u202eKeller",
        "Jana\u2066",
        "J\u200d",
        "J\ud800",
    ],
    ids=[
        "nul",
        "c0-escape",
        "c1",
        "bidi-override",
        "bidi-isolate",
        "zero-width-joiner",
        "surrogate",
    ],
)
def test_a_name_with_control_format_or_surrogate_characters_is_refused(name: str) -> None:
    assert refused(contact={"name": name}) == ["contact.name"]


@pytest.mark.parametrize("name", ["Jürgen Müller-Łukasiewicz", "王秀英", "Zoë 🚀", "O'Brien & Søn"])
def test_a_name_in_any_script_with_any_printable_character_is_taken(name: str) -> None:
    assert valid(contact={"name": name}).contact.name == name


def test_a_200000_character_contact_name_is_refused() -> None:
    assert refused(contact={"name": "x" * 200_000}) == ["contact.name"]


def test_an_order_has_at_most_200_lines() -> None:
    assert len(valid(lines=[LINE] * 200).lines) == 200
    assert refused(lines=[LINE] * 201) == ["lines"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({**LINE, "quantity": 0}, "quantity"),
        ({**LINE, "quantity": 100_001}, "quantity"),
        ({**LINE, "unit_price": "48.505"}, "unit_price"),
        ({**LINE, "unit_price": "1000000.01"}, "unit_price"),
        ({**LINE, "unit_price": "-1.00"}, "unit_price"),
        ({**LINE, "unit_price": "NaN"}, "unit_price"),
        ({**LINE, "amount": "100000000000000.00"}, "amount"),
        ({**LINE, "product_code": "VALVE DN50"}, "product_code"),
        ({**LINE, "product_code": "V" * 51}, "product_code"),
    ],
)
def test_quantities_money_and_product_codes_outside_their_bounds_are_refused(
    line: dict[str, Any], field: str
) -> None:
    assert refused(lines=[line]) == [f"lines.0.{field}"]


def test_the_largest_quantity_and_price_are_taken() -> None:
    line = valid(lines=[{**LINE, "quantity": 100_000, "unit_price": "1000000.00"}]).lines[0]

    assert line.quantity * line.unit_price == 100_000_000_000


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_delivery_date_outside_2000_to_2100_is_refused(day: str) -> None:
    assert refused(requested_delivery_date=day) == ["requested_delivery_date"]


@pytest.mark.parametrize("day", ["2000-01-01", "2100-12-31"])
def test_the_edges_of_the_date_window_are_taken(day: str) -> None:
    assert valid(requested_delivery_date=day).requested_delivery_date.isoformat() == day


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("submitter", "web shop"),
        ("submitter", "w" * 101),
        ("customer_reference", " PO-1"),
        ("customer_reference", "PO-\u00e9"),
        ("customer_id", "CUST 0001"),
        ("customer_id", "C" * 41),
        ("payment_terms", "net 30"),
    ],
)
def test_identifiers_follow_a_tight_pattern(field: str, value: str) -> None:
    assert refused(**{field: value}) == [field]


def test_a_bank_notification_is_bounded_too() -> None:
    notification = {
        "schema_version": 1,
        "bank_transaction_id": "BANK-1",
        "order_reference": "SO-2026-000001",
        "amount": "10.00",
        "currency": "EUR",
        "received_at": "2026-11-21T09:00:00Z",
        "payer": "Acme",
    }
    PaymentNotification.model_validate(notification)
    for field, value in [
        ("received_at", "9999-12-31T00:00:00+05:00"),
        ("payer", "Acme\x00"),
        ("bank_transaction_id", "B" * 101),
        ("amount", "0.001"),
    ]:
        with pytest.raises(ValidationError):
            PaymentNotification.model_validate({**notification, field: value})


def test_a_submission_outside_the_bounds_is_rejected_listing_every_problem_p1_3() -> None:
    body = {
        **submission("PO-1"),
        "requested_delivery_date": "9999-12-31",
        "contact": {"name": "Jana\x00"},
        "delivery_address": {**submission("PO-1")["delivery_address"], "city": "\u202eStuttgart"},
    }
    value = json.dumps(body).encode()
    with pytest.raises(ValidationError) as refusal:
        OrderSubmission.model_validate_json(value)

    [rejected] = reject_invalid_submission(
        value, refusal.value, Source("order.submitted", 0, 1, None), datetime.now(UTC)
    )

    assert isinstance(rejected, SubmissionRejected)
    assert {problem.field for problem in rejected.payload.problems} == {
        "requested_delivery_date",
        "contact.name",
        "delivery_address.city",
    }
    assert rejected.kafka_key() == "PO-1"


def test_safe_text_escapes_what_a_person_may_not_read_and_clips_to_the_limit() -> None:
    assert escape_unprintable("a\x00b\u202ec\ud800") == "a\\x00b\\u202ec\\ud800"
    assert safe_text("x" * 2000, 10) == "x" * 9 + "…"
    assert clip("short") == "short"
