"""Sales tells the customer when to expect the confirmation (P1.5) and of each step that
concerns them, as `customer.notified` for a mail or EDI gateway (docs/customer-notices.md).

Orders are placed through sales' HTTP API; the notice handlers then consume events through
the unit of work, and what they stage is read from the outbox."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.sales import handlers
from services.sales.domain.deadlines import Deadlines
from services.sales.notices import notice_handlers
from shared.contracts import (
    BalanceDue,
    ChangeDecided,
    ChangeRequested,
    CreditChanged,
    CreditNoteIssued,
    CustomerNotified,
    DeliveryRevised,
    DepositRequested,
    Event,
    GoodsShipped,
    InvoiceIssued,
    OrderDelayed,
    OrderHeld,
    OrderPlaced,
    ReturnStepped,
    ReviewCompleted,
    topics,
)
from shared.contracts.bounds import (
    DATE_MAX,
    NOTICE_SUBJECT_MAX,
    NOTICE_TEXT_MAX,
    REASON_MAX,
    REJECTION_PROBLEMS,
)
from tests.unit.sales.test_service import START, Sales, approval, desk_order, event, sales, token

__all__ = ["sales"]  # the fixture

NOTICES = notice_handlers(Deadlines())
CONTACT = {"name": "Jana Keller", "email": "j.keller@acme-pumps.example"}


async def place(sales: Sales, reference: str = "PO-N1", **changes: Any) -> str:
    """An order entered at the desk; what that staged is read and dropped."""
    response = await sales.http.post(
        "/orders", json=desk_order(reference, **changes), headers=token("sales_rep")
    )
    await sales.published()
    order_id: str = response.json()["order_id"]
    return order_id


async def notices_for(sales: Sales, incoming: Event) -> list[dict[str, Any]]:
    """What the notice handler of the event's topic stages for it."""
    await sales.consume(NOTICES[incoming.event_type], incoming)
    staged = await sales.published()
    for item in staged:
        CustomerNotified.model_validate(item)
    return staged


async def notice_for(sales: Sales, incoming: Event) -> dict[str, Any]:
    [notice] = await notices_for(sales, incoming)
    return notice_of(notice, incoming.model_dump(mode="json"))


def notice_of(notice: dict[str, Any], cause: dict[str, Any]) -> dict[str, Any]:
    """The payload of the customer's notice of `cause` (both as published)."""
    CustomerNotified.model_validate(notice)
    assert notice["event_type"] == "customer.notified"
    assert notice["order_id"] == cause["order_id"]
    assert notice["producer"] == "sales"
    assert notice["causation_id"] == cause["event_id"]
    payload: dict[str, Any] = notice["payload"]
    return payload


def addressed_by_email(payload: dict[str, Any]) -> None:
    assert payload["addressee"] == {**CONTACT, "phone": None}
    assert payload["channel"] == "email"
    assert payload["customer_id"] == "CUST-0001"
    assert payload["text"].startswith("Dear Jana Keller, ")


@pytest.mark.rule("P1.5")
async def test_a_placed_order_tells_the_customer_by_when_to_expect_the_confirmation(
    sales: Sales,
) -> None:
    response = await sales.http.post(
        "/orders", json=desk_order("PO-N1"), headers=token("sales_rep")
    )
    # sales' own event: told in the transaction that placed the order
    placed, notice = await sales.published()
    order_id = response.json()["order_id"]

    payload = notice_of(notice, placed)

    addressed_by_email(payload)
    assert payload["kind"] == "confirmation_expected"
    assert payload["customer_reference"] == "PO-N1"
    assert payload["expect_by"] == (START.date() + timedelta(days=2)).isoformat() == "2026-11-23"
    assert "2026-11-23" in payload["subject"] and "2026-11-23" in payload["text"]
    assert f"PO-N1 (our number {order_id})" in payload["text"]


@pytest.mark.rule("P1.5")
async def test_the_confirmation_is_expected_after_the_review_time_sales_is_given(
    sales: Sales,
) -> None:
    order_id = await place(sales)
    slow = notice_handlers(Deadlines(review=timedelta(days=5)))
    placed = event(OrderPlaced, order_id, _placed_payload())

    await sales.consume(slow[topics.ORDER_PLACED], placed)

    [notice] = await sales.published()
    assert notice["payload"]["expect_by"] == "2026-11-26"


@pytest.mark.rule("P1.5", "P1.3")
async def test_a_held_order_tells_the_customer_what_must_be_corrected(sales: Sales) -> None:
    response = await sales.http.post(
        "/orders",
        json=desk_order("PO-N2", total_amount="1.00", delivery_address=None),
        headers=token("sales_rep"),
    )
    held, notice = await sales.published()
    assert response.json()["status"] == "held"

    payload = notice_of(notice, held)

    addressed_by_email(payload)
    assert payload["kind"] == "order_held"
    assert {reason["field"] for reason in payload["reasons"]} == {
        "total_amount",
        "delivery_address",
    }
    assert "Please correct or confirm the following: " in payload["text"]
    assert "total_amount: " in payload["text"] and "delivery_address: " in payload["text"]


@pytest.mark.rule("P1.3")
async def test_a_contact_with_neither_e_mail_nor_phone_gets_no_notice(sales: Sales) -> None:
    response = await sales.http.post(
        "/orders",
        json=desk_order("PO-N3", contact={"name": "Jana Keller"}),
        headers=token("sales_rep"),
    )
    [held] = await sales.published()
    assert response.json()["status"] == "held"

    assert await notices_for(sales, OrderHeld.model_validate(held)) == []


@pytest.mark.rule("P1.5")
async def test_a_contact_with_only_a_phone_number_is_told_by_phone(sales: Sales) -> None:
    contact = {"name": "Jana Keller", "phone": "+49 711 1234"}
    order_id = await place(sales, "PO-N4", contact=contact)

    payload = await notice_for(sales, event(OrderPlaced, order_id, _placed_payload()))

    assert payload["channel"] == "phone"
    assert payload["addressee"] == {**contact, "email": None}


@pytest.mark.rule("P2.6")
async def test_a_declined_order_tells_the_customer_why(sales: Sales) -> None:
    order_id = await place(sales)
    declined = event(
        ReviewCompleted,
        order_id,
        {"outcome": "declined", "confirmed_delivery_date": None, "reason": "no capacity in 2027"},
    )

    payload = await notice_for(sales, declined)

    addressed_by_email(payload)
    assert payload["kind"] == "order_declined"
    assert payload["reason"] == "no capacity in 2027"
    assert "cannot accept" in payload["text"] and "no capacity in 2027" in payload["text"]


@pytest.mark.rule("P3.1")
async def test_an_approved_review_tells_nothing_yet_the_confirmation_does(sales: Sales) -> None:
    order_id = await place(sales)

    assert await notices_for(sales, approval(order_id)) == []


@pytest.mark.rule("P3.1", "P3.3")
async def test_the_confirmation_goes_to_the_customer_with_its_document_and_deposit(
    sales: Sales,
) -> None:
    order_id = await place(sales, "PO-N5", customer_id="CUST-0011", payment_terms="prepaid")
    await sales.consume(handlers.record_review, approval(order_id))
    issued, notice = await sales.published()

    payload = notice_of(notice, issued)

    assert payload["kind"] == "confirmation"
    assert payload["customer_id"] == "CUST-0011"
    assert payload["document_path"] == f"/orders/{order_id}/confirmation"
    assert payload["delivery_date"] == "2027-03-15"
    assert (payload["amount"], payload["deposit_amount"], payload["currency"]) == (
        "1460.00",
        "438.00",
        "EUR",
    )
    assert "1,460.00 EUR" in payload["text"] and "deposit of 438.00 EUR" in payload["text"]


@pytest.mark.rule("P3.3")
async def test_a_deposit_request_tells_the_customer_what_to_pay(sales: Sales) -> None:
    order_id = await place(sales)
    asked = event(
        DepositRequested,
        order_id,
        {"customer_id": "CUST-0001", "amount": "438.00", "currency": "EUR"},
    )

    payload = await notice_for(sales, asked)

    addressed_by_email(payload)
    assert payload["kind"] == "deposit_request"
    assert (payload["amount"], payload["currency"]) == ("438.00", "EUR")
    assert f"438.00 EUR, quoting our number {order_id}" in payload["text"]


@pytest.mark.rule("P4.10")
async def test_a_delay_tells_the_customer_the_date_now_expected_not_production_s_reason(
    sales: Sales,
) -> None:
    order_id = await place(sales)
    delayed = event(
        OrderDelayed,
        order_id,
        {
            "production_order_id": "PO-SO-1",
            "cause": "late_purchase",
            "confirmed_delivery_date": "2027-03-15",
            "expected_delivery_date": "2027-03-29",
            "reason": "supplier X is late with the castings",
        },
    )

    payload = await notice_for(sales, delayed)

    addressed_by_email(payload)
    assert payload["kind"] == "delay"
    assert (payload["delivery_date"], payload["previous_delivery_date"]) == (
        "2027-03-29",
        "2027-03-15",
    )
    assert "supplier X" not in payload["text"] and "2027-03-29" in payload["text"]


@pytest.mark.rule("P4.10")
async def test_a_new_date_agreed_is_confirmed_to_the_customer(sales: Sales) -> None:
    order_id = await place(sales)
    revised = event(
        DeliveryRevised,
        order_id,
        {
            "delivery_date": "2027-04-01",
            "previous_delivery_date": "2027-03-15",
            "reason": "agreed with Ms Keller by phone",
            "agreed": {"user": "jonas.weber", "role": "sales_manager", "at": START.isoformat()},
        },
    )

    payload = await notice_for(sales, revised)

    addressed_by_email(payload)
    assert payload["kind"] == "new_date"
    assert (payload["delivery_date"], payload["previous_delivery_date"]) == (
        "2027-04-01",
        "2027-03-15",
    )
    assert payload["reason"] == "agreed with Ms Keller by phone"


@pytest.mark.rule("P5.5")
async def test_the_shipping_notice_gives_carrier_tracking_number_and_day(sales: Sales) -> None:
    order_id = await place(sales)
    shipped = event(
        GoodsShipped,
        order_id,
        {
            "shipment_id": "SH-1",
            "carrier": "DHL Freight",
            "tracking_number": "JD0146 0000 1234",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
            "expected_delivery_on": "2027-03-16",
        },
    )

    payload = await notice_for(sales, shipped)

    addressed_by_email(payload)
    assert payload["kind"] == "shipping_notice"
    assert (payload["shipment_id"], payload["carrier"], payload["tracking_number"]) == (
        "SH-1",
        "DHL Freight",
        "JD0146 0000 1234",
    )
    assert payload["delivery_date"] == "2027-03-16"
    assert "Please expect it on 2027-03-16." in payload["text"]


@pytest.mark.rule("P6.3")
async def test_an_invoice_tells_the_customer_amount_and_due_date(sales: Sales) -> None:
    order_id = await place(sales)
    invoiced = event(
        InvoiceIssued,
        order_id,
        {
            "invoice_number": "INV-2027-000001",
            "amount": "1460.00",
            "currency": "EUR",
            "due_date": "2027-04-15",
            "shipment_id": "SH-1",
        },
    )

    payload = await notice_for(sales, invoiced)

    addressed_by_email(payload)
    assert payload["kind"] == "invoice"
    assert payload["invoice_number"] == "INV-2027-000001"
    assert payload["invoice_kind"] == "invoice"
    assert (payload["amount"], payload["currency"], payload["due_date"]) == (
        "1460.00",
        "EUR",
        "2027-04-15",
    )
    assert "1,460.00 EUR, due on 2027-04-15" in payload["text"]


@pytest.mark.rule("P6.3")
async def test_a_balance_due_notice_tells_the_customer_what_to_pay_before_shipment(
    sales: Sales,
) -> None:
    order_id = await place(sales)
    due = event(
        BalanceDue,
        order_id,
        {
            "customer_id": "CUST-0001",
            "shipment_id": "SH-1",
            "amount_due": "1022.00",
            "currency": "EUR",
            "reason": "the balance is due before shipment",
        },
    )

    payload = await notice_for(sales, due)

    addressed_by_email(payload)
    assert payload["kind"] == "balance_due"
    assert (payload["amount"], payload["currency"], payload["shipment_id"]) == (
        "1022.00",
        "EUR",
        "SH-1",
    )
    assert "1,022.00 EUR" in payload["text"] and "shipment SH-1" in payload["text"]


# -- changes, refunds and returns -----------------------------------------------------------

LINE = {
    "line_no": 1,
    "product_code": "PUMP-100",
    "quantity": 15,
    "unit_price": "50.00",
    "amount": "750.00",
}
SIGNED = {"user": "lena.vogt", "role": "sales_manager", "at": START.isoformat()}


def change_requested(order_id: str, stage: str = "after_confirmation") -> Event:
    return event(
        ChangeRequested,
        order_id,
        {
            "change_no": 2,
            "based_on": 1,
            "kinds": ["decrease"],
            "stage": stage,
            "needs_review": False,
            "lines": [LINE],
            "total_amount": "750.00",
            "requested_delivery_date": "2027-06-30",
            "reason": "the customer needs 15 only",
            "via": "desk",
            "requested": None,
            "answer_by": (START + timedelta(days=1)).isoformat(),
        },
    )


def change_decided(order_id: str, outcome: str, **facts: Any) -> Event:
    applied = outcome == "applied"
    cancel = facts.pop("cancel", False)
    payload: dict[str, Any] = {
        "change_no": 2,
        "outcome": outcome,
        "stage": "after_confirmation",
        "kinds": ["cancel"] if cancel else ["decrease"],
        "lines": [LINE] if applied and not cancel else [],
        "total_amount": ("0.00" if cancel else "750.00") if applied else None,
        "delivery_date": "2027-06-30" if applied else None,
        "decided": None,
        **facts,
    }
    return event(ChangeDecided, order_id, payload)


def return_stepped(order_id: str, step: str, **facts: Any) -> Event:
    return event(
        ReturnStepped,
        order_id,
        {
            "return_number": f"RT-{order_id}-1",
            "step": step,
            "shipment_id": f"SH-{order_id}-1",
            "lines": [{"product_code": "PUMP-100", "quantity": 5}],
            "remedy": "credit",
            "reason": "seals leak",
            "signed": SIGNED,
            **facts,
        },
    )


@pytest.mark.rule("P7.1")
async def test_a_change_after_the_confirmation_tells_the_customer_it_is_being_decided(
    sales: Sales,
) -> None:
    order_id = await place(sales)

    payload = await notice_for(sales, change_requested(order_id))

    addressed_by_email(payload)
    assert (payload["kind"], payload["change_number"]) == ("change_received", f"CR-{order_id}-2")
    assert payload["expect_by"] == (START + timedelta(days=1)).date().isoformat()
    assert f"CR-{order_id}-2" in payload["subject"]


@pytest.mark.rule("P7.4")
async def test_a_change_before_the_confirmation_tells_nothing_until_it_is_applied(
    sales: Sales,
) -> None:
    order_id = await place(sales)

    assert await notices_for(sales, change_requested(order_id, "before_confirmation")) == []


@pytest.mark.rule("P7.2")
async def test_an_applied_decrease_tells_the_customer_the_new_total_and_the_charge(
    sales: Sales,
) -> None:
    order_id = await place(sales)
    decided = change_decided(
        order_id, "applied", charge="120.00", charge_reason="material bought", decided=SIGNED
    )

    payload = await notice_for(sales, decided)

    assert payload["kind"] == "change_applied"
    assert (payload["change_number"], payload["amount"], payload["charge"]) == (
        f"CR-{order_id}-2",
        "750.00",
        "120.00",
    )
    assert payload["currency"] == "EUR"
    assert "its total is now 750.00 EUR" in payload["text"]
    assert "we charge 120.00 EUR: material bought." in payload["text"]


@pytest.mark.rule("P7.2")
async def test_an_applied_cancellation_with_nothing_spent_tells_a_total_and_charge_of_nothing(
    sales: Sales,
) -> None:
    order_id = await place(sales)

    payload = await notice_for(sales, change_decided(order_id, "applied", cancel=True))

    assert (payload["kind"], payload["amount"], payload["charge"]) == (
        "change_applied",
        "0.00",
        "0.00",
    )
    assert "is cancelled" in payload["text"]
    assert "charge" not in payload["text"]


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P7.5")
async def test_a_refused_change_tells_the_customer_why(sales: Sales) -> None:
    order_id = await place(sales)
    refused = change_decided(
        order_id,
        "refused",
        reason="the goods were handed to the carrier: raise a return",
        refused_by="logistics",
    )

    payload = await notice_for(sales, refused)

    assert (payload["kind"], payload["reason"]) == (
        "change_refused",
        "the goods were handed to the carrier: raise a return",
    )
    assert "raise a return" in payload["text"]


@pytest.mark.rule("P7.1")
async def test_a_withdrawn_change_tells_nothing_the_customer_withdrew_it(sales: Sales) -> None:
    order_id = await place(sales)
    withdrawn = change_decided(order_id, "withdrawn", reason="the customer withdrew it")

    assert await notices_for(sales, withdrawn) == []


@pytest.mark.rule("P6.2")
async def test_a_refund_of_credit_tells_the_customer_the_amount_and_arisen_credit_tells_nothing(
    sales: Sales,
) -> None:
    order_id = await place(sales)

    def credit(change: str) -> Event:
        return event(
            CreditChanged,
            order_id,
            {
                "customer_id": "CUST-0001",
                "change": change,
                "amount": "200.00",
                "currency": "EUR",
                "available": "0.00" if change == "refunded" else "200.00",
                "applied_to": None,
                "reason": "cancelled: deposit less the charge",
                "decided": SIGNED if change == "refunded" else None,
            },
        )

    assert await notices_for(sales, credit("arisen")) == []
    payload = await notice_for(sales, credit("refunded"))
    assert (payload["kind"], payload["amount"], payload["currency"]) == ("refund", "200.00", "EUR")


@pytest.mark.rule("P7.5")
async def test_a_return_tells_the_customer_it_is_authorised_declined_or_sent_back(
    sales: Sales,
) -> None:
    order_id = await place(sales)
    number = f"RT-{order_id}-1"

    authorised = await notice_for(sales, return_stepped(order_id, "authorised"))
    declined = await notice_for(
        sales, return_stepped(order_id, "declined", reason="outside the return period")
    )
    sent_back = await notice_for(
        sales,
        return_stepped(order_id, "sent_back", carrier="Rhenus", tracking_number="RH123456"),
    )

    assert (authorised["kind"], authorised["return_number"]) == ("return_authorised", number)
    assert f"quoting {number}" in authorised["text"]
    assert (declined["kind"], declined["reason"]) == (
        "return_declined",
        "outside the return period",
    )
    assert (sent_back["kind"], sent_back["carrier"], sent_back["tracking_number"]) == (
        "return_sent_back",
        "Rhenus",
        "RH123456",
    )
    assert await notices_for(sales, return_stepped(order_id, "received")) == []


@pytest.mark.rule("P7.5")
async def test_a_credit_note_tells_the_customer_its_number_and_amount(sales: Sales) -> None:
    order_id = await place(sales)
    issued = event(
        CreditNoteIssued,
        order_id,
        {
            "credit_note_number": f"CN-{order_id}-1",
            "return_number": f"RT-{order_id}-1",
            "lines": [{"product_code": "PUMP-100", "quantity": 5, "unit_value": "80.00"}],
            "amount": "400.00",
            "currency": "EUR",
            "balance_due": "400.00",
            "credit": "0.00",
            "issued_on": "2027-04-01",
        },
    )

    payload = await notice_for(sales, issued)

    assert (payload["kind"], payload["credit_note_number"], payload["amount"]) == (
        "credit_note",
        f"CN-{order_id}-1",
        "400.00",
    )
    assert "400.00 EUR" in payload["text"]


@pytest.mark.rule("P1.5")
async def test_an_event_about_an_order_sales_does_not_know_gives_no_notice(sales: Sales) -> None:
    for topic in NOTICES:
        assert topic in {
            topics.ORDER_PLACED,
            topics.ORDER_HELD,
            topics.REVIEW_COMPLETED,
            topics.CONFIRMATION_ISSUED,
            topics.DEPOSIT_REQUESTED,
            topics.ORDER_DELAYED,
            topics.DELIVERY_REVISED,
            topics.GOODS_SHIPPED,
            topics.INVOICE_ISSUED,
            topics.BALANCE_DUE,
            topics.CHANGE_REQUESTED,
            topics.CHANGE_DECIDED,
            topics.CREDIT_CHANGED,
            topics.RETURN_STEPPED,
            topics.CREDIT_NOTE_ISSUED,
        }
    unknown = event(OrderPlaced, "SO-2026-999999", _placed_payload())

    assert await notices_for(sales, unknown) == []


@pytest.mark.rule("P1.5")
async def test_an_event_handled_again_gives_the_same_notice_id(tmp_path: Path) -> None:
    placed = event(OrderPlaced, "SO-2026-000001", _placed_payload())
    ids = []
    for attempt in ("first", "again"):
        service = Sales(tmp_path / attempt)
        await service.start()
        assert await place(service) == "SO-2026-000001"
        [notice] = await notices_for(service, placed)
        ids.append(notice["event_id"])
        await service.consume(NOTICES[topics.ORDER_PLACED], placed)
        assert await service.published() == []  # a redelivery is handled once
        await service.close()

    assert ids[0] == ids[1] != str(placed.event_id)


@pytest.mark.rule("P1.5")
async def test_hostile_but_valid_values_make_a_valid_notice(sales: Sales) -> None:
    name = ("Zoë Ñandú-Łukasiewicz 東京 <b>&amp; 😀 " * 10)[:200]
    email = "zoë." + "x" * 240 + "@例え.jp"
    reference = ("PO-<script>&\"'" * 10)[:100].strip()
    order_id = await place(sales, reference, contact={"name": name, "email": email})
    many = [
        {"field": f"lines.{index}.unit_price", "message": "ü" * REASON_MAX} for index in range(1000)
    ]
    held = event(OrderHeld, order_id, {"customer_reference": reference, "reasons": many})
    late = event(OrderPlaced, order_id, _placed_payload())
    late = late.model_copy(update={"occurred_at": datetime(2100, 12, 31, 23, 0, tzinfo=UTC)})

    notice = CustomerNotified.model_validate((await notices_for(sales, held))[0])
    last = CustomerNotified.model_validate((await notices_for(sales, late))[0])

    assert notice.payload.addressee.name == name
    assert notice.payload.addressee.email == email
    assert notice.payload.customer_reference == reference
    assert len(notice.payload.reasons) == REJECTION_PROBLEMS
    assert notice.payload.reasons[-1].message == f"and {1000 - REJECTION_PROBLEMS + 1} more"
    assert len(notice.payload.text) == NOTICE_TEXT_MAX and notice.payload.text.endswith("…")
    assert len(notice.payload.subject) <= NOTICE_SUBJECT_MAX
    assert last.payload.expect_by == DATE_MAX == date(2100, 12, 31)


def _placed_payload() -> dict[str, Any]:
    body = desk_order("PO-N1")
    return {
        **{key: body[key] for key in ("submitter", "customer_reference", "customer_id")},
        "channel": "desk",
        "currency": "EUR",
        "lines": [
            {
                "line_no": 1,
                "product_code": "VALVE-DN50",
                "quantity": 20,
                "unit_price": "48.50",
                "amount": "970.00",
            }
        ],
        "total_amount": "970.00",
        "requested_delivery_date": "2027-03-15",
        "delivery_address": body["delivery_address"],
        "contact": CONTACT,
    }
