"""The committed JSON Schemas match the contract models, and the contracts are fit to publish.

Other teams read shared/contracts/json_schemas/, not our Python: a schema that drifted from the
models, an undocumented field or a mutable event is a broken promise to them.
"""

import json
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import uuid4

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from shared.contracts import topics
from shared.contracts.changes import (
    ChangeAcknowledged,
    ChangeDecided,
    ChangeRequested,
    ShipmentCancelled,
)
from shared.contracts.envelope import Event
from shared.contracts.events import (
    GoodsProduced,
    GoodsShipped,
    InvoiceIssued,
    OrderClosed,
    OrderPlaced,
    PaymentReceived,
    PaymentUnmatched,
    ReviewCompleted,
    SubmissionRejected,
)
from shared.contracts.intake import OrderSubmission, PaymentNotification
from shared.contracts.master import BalanceUpdated, CustomerUpdated, ProductUpdated
from shared.contracts.money import BalanceDue, CollectionStepped, CreditChanged, PaymentChecked
from shared.contracts.notices import CustomerNotified
from shared.contracts.process import (
    ConfirmationIssued,
    ConfirmationSigned,
    DeliveryRevised,
    DepositRequested,
    FeasibilityAssessed,
    FeasibilityRequested,
    NegotiationOpened,
    OrderHeld,
    OrderReleased,
    ReviewEscalated,
)
from shared.contracts.production import MaterialsListed, OrderDelayed, ScheduleChanged
from shared.contracts.registry import EVENT_TYPES
from shared.contracts.returns import CreditNoteIssued, ReturnStepped
from shared.contracts.schemas import MESSAGES, SCHEMA_DIR, render, schema_path
from shared.contracts.shipping import (
    DeliveryLate,
    GoodsDelivered,
    ShipmentEscalated,
    ShipmentReleased,
    ShipmentRequested,
)
from shared.contracts.steps import StepFlagged
from shared.messaging.events import new_event
from tests.support.orders import submission

REGENERATE = "run `python -m shared.contracts.schemas` and commit the result"

ADDRESS = {
    "name": "Acme Pumps GmbH",
    "street": "Industriestrasse 7",
    "postal_code": "70565",
    "city": "Stuttgart",
    "country": "DE",
}

SIGNED = {"user": "hana.kim", "role": "finance_clerk", "at": "2026-12-02T09:15:00Z"}
ORDER_LINE_15 = {
    "line_no": 1,
    "product_code": "VALVE-DN50",
    "quantity": 15,
    "unit_price": "120.00",
    "amount": "1800.00",
}
SHIPPED_LINES = [{"product_code": "VALVE-DN50", "quantity": 20}]

# One valid payload per event type; order_id None means the event is about no order.
EVENT_SAMPLES: dict[type[Event], tuple[str | None, dict[str, Any]]] = {
    ShipmentRequested: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "lines": SHIPPED_LINES,
            "partial": False,
            "delivery_address": ADDRESS,
            "contact": {"name": "Jana Keller", "phone": "+49 711 1234"},
            "requested": {**SIGNED, "user": "tomas.horak", "role": "customer_service"},
        },
    ),
    ShipmentReleased: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "kind": "signed",
            "released": {**SIGNED, "user": "jonas.weber", "role": "sales_manager"},
            "finance": SIGNED,
        },
    ),
    ShipmentEscalated: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "released_at": {**SIGNED, "user": "lea.moreau", "role": "customer_service_lead"},
            "missing": ["finance", "release"],
            "escalated_to": "general_manager",
        },
    ),
    GoodsDelivered: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "delivered_on": "2026-12-04",
            "received_by": "Jana Keller",
            "lines": SHIPPED_LINES,
            "discrepancy": "",
            "late": False,
            "order_delivered": True,
            "cash_collected": Decimal("0.00"),
            "currency": None,
            "recorded": {**SIGNED, "user": "tomas.horak", "role": "customer_service"},
        },
    ),
    DeliveryLate: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "expected_on": "2026-12-04",
            "days_late": 2,
            "notify": ["customer_service", "sales_rep"],
        },
    ),
    PaymentChecked: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "outcome": "refused",
            "tier": "B",
            "credit_exception": False,
            "amount": Decimal("1000.00"),
            "currency": "EUR",
            "shipped_value": Decimal("1000.00"),
            "received": Decimal("900.00"),
            "reason": "100.00 EUR still to pay",
            "signed": SIGNED,
        },
    ),
    BalanceDue: (
        "SO-000001",
        {
            "customer_id": "CUST-0011",
            "shipment_id": "SH-SO-000001-1",
            "amount_due": Decimal("100.00"),
            "currency": "EUR",
            "reason": "the money received does not cover what is shipped",
        },
    ),
    CollectionStepped: (
        "SO-000001",
        {
            "invoice_number": "INV-SO-000001-1",
            "customer_id": "CUST-0001",
            "step": "follow_up",
            "escalated": False,
            "overdue_amount": Decimal("1000.00"),
            "currency": "EUR",
            "due_date": "2026-12-31",
            "days_overdue": 8,
            "promised_on": "2027-01-20",
            "note": "pays after the audit",
            "recorded": {**SIGNED, "user": "mei.zhang", "role": "sales_rep"},
        },
    ),
    StepFlagged: (
        "SO-000001",
        {
            "step": "production",
            "level": "warning",
            "owner_role": "production_planner",
            "opened_at": "2026-12-01T09:00:00+00:00",
            "due_at": "2026-12-15T17:00:00+00:00",
            "reason": "production has used 80% of its time and the goods are not produced yet",
        },
    ),
    ChangeRequested: (
        "SO-000001",
        {
            "change_no": 2,
            "based_on": 1,
            "kinds": ["decrease"],
            "stage": "after_confirmation",
            "needs_review": False,
            "lines": [ORDER_LINE_15],
            "total_amount": "1800.00",
            "requested_delivery_date": "2027-04-30",
            "requirements": "",
            "reason": "the customer needs 15, not 20",
            "via": "desk",
            "requested": {**SIGNED, "user": "mei.zhang", "role": "sales_rep"},
            "answer_by": "2026-12-03T09:15:00Z",
        },
    ),
    ChangeAcknowledged: (
        "SO-000001",
        {
            "change_no": 2,
            "department": "production",
            "outcome": "accepted",
            "started": False,
            "materials_on_order": [
                {
                    "purchase_order": "PO-2026-0007",
                    "material_code": "STEEL-S235",
                    "ordered": "40",
                    "delivered": "0",
                }
            ],
            "held": ["MO-SO-000001"],
        },
    ),
    ChangeDecided: (
        "SO-000001",
        {
            "change_no": 2,
            "outcome": "applied",
            "stage": "after_confirmation",
            "kinds": ["decrease"],
            "lines": [ORDER_LINE_15],
            "total_amount": "1800.00",
            "delivery_date": "2027-04-30",
            "charge": "120.00",
            "charge_reason": "steel bought for the 5 units dropped",
            "decided": {**SIGNED, "user": "li.wang", "role": "sales_manager"},
        },
    ),
    ShipmentCancelled: (
        "SO-000001",
        {
            "shipment_id": "SH-SO-000001-1",
            "change_no": 2,
            "reason": "the order is 15 now; the shipment took 20",
        },
    ),
    ReturnStepped: (
        "SO-000001",
        {
            "return_number": "RT-SO-000001-1",
            "step": "inspected",
            "shipment_id": "SH-SO-000001-1",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 5}],
            "inspected": [{"product_code": "VALVE-DN50", "accepted": 4, "rejected": 1}],
            "remedy": "credit",
            "signed": {**SIGNED, "user": "qa.chen", "role": "qa_inspector"},
        },
    ),
    CreditNoteIssued: (
        "SO-000001",
        {
            "credit_note_number": "CN-SO-000001-1",
            "return_number": "RT-SO-000001-1",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 4, "unit_value": "120.00"}],
            "amount": "480.00",
            "currency": "EUR",
            "balance_due": "1920.00",
            "credit": "0.00",
            "issued_on": "2027-05-10",
        },
    ),
    CustomerNotified: (
        "SO-000001",
        {
            "customer_id": "CUST-0001",
            "customer_reference": "PO-4711",
            "kind": "confirmation_expected",
            "addressee": {"name": "Jana Keller", "email": "j.keller@acme-pumps.example"},
            "channel": "email",
            "subject": "Your order PO-4711 (SO-000001): confirmation by 2027-03-03",
            "text": "Dear Jana Keller, we have your order PO-4711, our number SO-000001.",
            "expect_by": "2027-03-03",
        },
    ),
    CreditChanged: (
        "SO-000001",
        {
            "customer_id": "CUST-0001",
            "change": "arisen",
            "amount": Decimal("200.00"),
            "currency": "EUR",
            "available": Decimal("200.00"),
            "decided": None,
        },
    ),
    DeliveryRevised: (
        "SO-000001",
        {
            "delivery_date": "2026-12-29",
            "previous_delivery_date": "2026-12-15",
            "reason": "customer agreed by phone",
            "agreed": {
                "user": "jonas.weber",
                "role": "sales_manager",
                "at": "2026-12-02T09:15:00Z",
            },
        },
    ),
    MaterialsListed: (
        "SO-000001",
        {
            "production_order_id": "MO-SO-2026-000001",
            "urgent": False,
            "materials": [
                {
                    "material_code": "STEEL-CAST",
                    "unit": "kg",
                    "need": "130.000000",
                    "reserved": "78.000000",
                    "shortfall": "52.000000",
                    "needed_by": "2026-12-08",
                }
            ],
        },
    ),
    ScheduleChanged: (
        "SO-000001",
        {
            "production_order_id": "MO-SO-2026-000001",
            "week": "2026-W49",
            "units": 20,
            "planned_start": "2026-12-01",
            "ready_on": "2026-12-06",
            "urgent": False,
            "released": True,
        },
    ),
    OrderDelayed: (
        "SO-000001",
        {
            "production_order_id": "MO-SO-2026-000001",
            "cause": "failed_inspection",
            "confirmed_delivery_date": "2026-12-15",
            "expected_delivery_date": "2026-12-28",
            "reason": "planned in 2026-W52, start 2026-12-22, ready 2026-12-27: "
            "not before 2026-12-15",
        },
    ),
    OrderPlaced: (
        "SO-000001",
        {
            "submitter": "webshop",
            "customer_reference": "PO-4711",
            "customer_id": "CUST-0001",
            "channel": "system",
            "currency": "EUR",
            "lines": [
                {
                    "line_no": 1,
                    "product_code": "VALVE-DN50",
                    "quantity": 20,
                    "unit_price": Decimal("48.50"),
                    "amount": Decimal("970.00"),
                }
            ],
            "total_amount": Decimal("970.00"),
            "requested_delivery_date": date(2027, 3, 1),
            "delivery_address": ADDRESS,
            "contact": {"name": "Jana Keller", "email": "j.keller@acme-pumps.example"},
        },
    ),
    SubmissionRejected: (
        None,
        {
            "submitter": "webshop",
            "customer_reference": "PO-4712",
            "problems": [{"field": "lines", "message": "at least one line is required"}],
        },
    ),
    ReviewCompleted: (
        "SO-000001",
        {"outcome": "approved", "confirmed_delivery_date": date(2027, 3, 15), "reason": ""},
    ),
    GoodsProduced: (
        "SO-000001",
        {
            "production_order_id": "PO-000001",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
            "ready_on": date(2027, 3, 10),
        },
    ),
    GoodsShipped: (
        "SO-000001",
        {
            "shipment_id": "SH-000001",
            "carrier": "DHL Freight",
            "tracking_number": "JJD000390007",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
        },
    ),
    InvoiceIssued: (
        "SO-000001",
        {
            "invoice_number": "INV-000001",
            "amount": Decimal("970.00"),
            "currency": "EUR",
            "due_date": date(2027, 4, 14),
        },
    ),
    PaymentReceived: (
        "SO-000001",
        {
            "payment_id": "PAY-000001",
            "kind": "balance",
            "bank_transaction_id": "BANK-0001",
            "amount": Decimal("970.00"),
            "currency": "EUR",
            "paid_total": Decimal("970.00"),
            "balance_due": Decimal("0.00"),
            "settled": True,
        },
    ),
    PaymentUnmatched: (
        None,
        {
            "bank_transaction_id": "BANK-0002",
            "order_reference": "SO-999999",
            "amount": Decimal("12.00"),
            "currency": "EUR",
            "reason": "no such order",
        },
    ),
    OrderClosed: ("SO-000001", {"outcome": "fulfilled"}),
    OrderHeld: (
        "SO-000002",
        {
            "customer_reference": "PO-4713",
            "reasons": [{"field": "lines.0.product_code", "message": "unknown model X-1"}],
        },
    ),
    FeasibilityRequested: (
        "SO-000001",
        {
            "customer_id": "CUST-0001",
            "requested_delivery_date": date(2027, 3, 1),
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
        },
    ),
    FeasibilityAssessed: (
        "SO-000001",
        {
            "production": {
                "verdict": "later",
                "available_from": date(2027, 3, 8),
                "reason": "full",
            },
            "purchasing": {"verdict": "feasible"},
        },
    ),
    NegotiationOpened: (
        "SO-000001",
        {
            "requested_delivery_date": date(2027, 3, 1),
            "proposed_delivery_date": date(2027, 3, 8),
            "reasons": ["production: week 2027-W09 is full"],
        },
    ),
    ReviewEscalated: (
        "SO-000001",
        {
            "received_at": "2027-03-01T08:00:00+00:00",
            "deadline": "2027-03-03T08:00:00+00:00",
            "waiting_for": ["approval:general_manager"],
        },
    ),
    ConfirmationIssued: (
        "SO-000001",
        {
            "customer_id": "CUST-0011",
            "tier": "B",
            "confirmed_delivery_date": date(2027, 3, 1),
            "sent_on": date(2027, 2, 1),
            "total_amount": Decimal("970.00"),
            "currency": "EUR",
            "deposit_amount": Decimal("291.00"),
            "document_path": "/orders/SO-000001/confirmation",
        },
    ),
    ConfirmationSigned: (
        "SO-000001",
        {
            "received_on": date(2027, 2, 3),
            "days_late": 2,
            "expected_delivery_date": date(2027, 3, 3),
        },
    ),
    DepositRequested: (
        "SO-000001",
        {"customer_id": "CUST-0011", "amount": Decimal("291.00"), "currency": "EUR"},
    ),
    OrderReleased: (
        "SO-000001",
        {
            "delivery_date": date(2027, 3, 3),
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
            "gate": "signed_and_deposit",
        },
    ),
    CustomerUpdated: (
        None,
        {
            "customer_id": "CUST-0001",
            "name": "Acme Pumps GmbH",
            "tier": "A",
            "currency": "EUR",
            "credit_limit": Decimal("250000.00"),
            "payment_terms": ["net30", "prepaid"],
            "deposit_percent": Decimal("0"),
        },
    ),
    ProductUpdated: (
        None,
        {
            "product_code": "VALVE-DN50",
            "name": "Gate valve DN50 PN16",
            "currency": "EUR",
            "list_price": Decimal("48.50"),
            "max_discount_percent": Decimal("10"),
            "is_new": False,
            "samples_confirmed": True,
            "bom_ready": True,
            "drawings_ready": True,
            "specification_ready": True,
            "qa_level": 3,
        },
    ),
    BalanceUpdated: (
        "SO-000001",
        {"customer_id": "CUST-0001", "currency": "EUR", "open_balance": Decimal("970.00")},
    ),
}

INTAKE_SAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    OrderSubmission: submission("PO-4711"),
    PaymentNotification: {
        "schema_version": 1,
        "bank_transaction_id": "BANK-0001",
        "order_reference": "SO-000001",
        "amount": "970.00",
        "currency": "EUR",
        "received_at": "2027-04-01T09:30:00+02:00",
        "payer": "Acme Pumps GmbH",
    },
}


def _sample_event(event_type: type[Event]) -> Event:
    order_id, payload = EVENT_SAMPLES[event_type]
    return new_event(
        event_type,
        producer="tests",
        causation_id=uuid4(),
        occurred_at=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
        payload=payload,
        order_id=order_id,
    )


def _sample(model: type[BaseModel]) -> BaseModel:
    if issubclass(model, Event):
        return _sample_event(model)
    return model.model_validate(INTAKE_SAMPLES[model])


def _committed_schema(topic: str) -> dict[str, Any]:
    path = schema_path(topic)
    assert path.is_file(), f"{path.name} is missing: {REGENERATE}"
    return cast(dict[str, Any], json.loads(path.read_text()))


def _schema_errors(schema: dict[str, Any], message: Any) -> list[str]:
    """Every way the message breaks the schema, formats (uuid, date, ...) included."""
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(message)
    ]


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside an annotation: X, list[X], X | None, Annotated[X, ...], ..."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _nested_models(arg)]


def _contract_models() -> list[type[BaseModel]]:
    """Every model reachable from the published messages, each once, in a stable order."""
    seen: dict[type[BaseModel], None] = {}
    pending = list(MESSAGES.values())
    while pending:
        model = pending.pop(0)
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            pending.extend(_nested_models(field.annotation))
    return list(seen)


def _has_docstring(model: type[BaseModel]) -> bool:
    return bool((model.__dict__.get("__doc__") or "").strip())


def _model_id(model: type[BaseModel]) -> str:
    return model.__name__


@pytest.mark.parametrize("topic", list(MESSAGES))
def test_committed_schema_matches_the_model(topic: str) -> None:
    path = schema_path(topic)
    assert path.is_file(), f"{path.name} is missing: {REGENERATE}"
    assert path.read_text() == render(MESSAGES[topic]), f"{path.name} is stale: {REGENERATE}"


def test_every_topic_except_the_dead_letter_topic_has_a_schema() -> None:
    expected = set(topics.ALL_TOPICS) - {topics.DEAD_LETTER}
    assert set(MESSAGES) == expected
    missing = sorted(topic for topic in expected if not schema_path(topic).is_file())
    assert not missing, f"no committed schema for {missing}: {REGENERATE}"


def test_no_committed_schema_is_left_over_from_a_removed_message() -> None:
    expected = {schema_path(topic).name for topic in MESSAGES}
    committed = {path.name for path in SCHEMA_DIR.glob("*.json")}
    assert committed <= expected, f"stale schema files: {sorted(committed - expected)}"


@pytest.mark.parametrize("model", list(MESSAGES.values()), ids=_model_id)
def test_published_message_is_frozen(model: type[BaseModel]) -> None:
    instance = _sample(model)
    field = next(iter(model.model_fields))
    with pytest.raises(ValidationError, match="frozen"):
        setattr(instance, field, getattr(instance, field))


@pytest.mark.parametrize("model", _contract_models(), ids=_model_id)
def test_every_field_of_a_contract_model_is_described(model: type[BaseModel]) -> None:
    properties = model.model_json_schema(mode="serialization")["properties"]
    undescribed = [
        name
        for name, field in model.model_fields.items()
        if "description" not in properties[field.serialization_alias or field.alias or name]
        and not (
            (nested := _nested_models(field.annotation))
            and all(_has_docstring(nested_model) for nested_model in nested)
        )
    ]
    assert not undescribed, f"{model.__name__} fields without a description: {undescribed}"


def test_every_event_type_has_a_sample() -> None:
    assert set(EVENT_SAMPLES) == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=_model_id)
def test_event_built_with_new_event_validates_against_its_committed_schema(
    event_type: type[Event],
) -> None:
    message = json.loads(_sample_event(event_type).model_dump_json())
    errors = _schema_errors(_committed_schema(event_type.TOPIC), message)
    assert not errors, errors


@pytest.mark.parametrize("model", list(INTAKE_SAMPLES), ids=_model_id)
def test_intake_message_validates_against_its_committed_schema(model: type[BaseModel]) -> None:
    topic = next(topic for topic, message in MESSAGES.items() if message is model)
    message = json.loads(_sample(model).model_dump_json())
    errors = _schema_errors(_committed_schema(topic), message)
    assert not errors, errors


def test_committed_schemas_reject_unknown_fields() -> None:
    schema = _committed_schema(topics.ORDER_CLOSED)
    message = json.loads(_sample_event(OrderClosed).model_dump_json())
    message["unexpected"] = True
    assert not Draft202012Validator(schema).is_valid(message)
