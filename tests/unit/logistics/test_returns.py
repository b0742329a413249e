"""Customers' returns of delivered goods (P7.5): the domain's steps and refusals, and the
returns desk over HTTP on embedded SQLite, where every step publishes one `return.stepped`
signed by the person who took it and a refused call changes and publishes nothing."""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.logistics.adapters import repository
from services.logistics.adapters.return_wire import payload
from services.logistics.adapters.tables import customer_returns, outbox
from services.logistics.app import DEFINITION
from services.logistics.domain.commands import RecordDelivery
from services.logistics.domain.returns import (
    CustomerReturn,
    ReturnStatus,
    ReturnStepped,
    Verdict,
    request_return,
)
from services.logistics.domain.shipment import Shipment
from shared.contracts import topics
from shared.contracts.returns import ReturnStepped as ReturnSteppedEvent
from shared.decisions import InvalidDecision, NotAllowedNow, Person
from tests.support.api import bearer
from tests.support.databases import sqlite_database
from tests.unit.logistics.builders import (
    CUSTOMER_SERVICE,
    DISPATCHER,
    NOTICE,
    ORDER,
    ORDER_CLERK,
    SALES_MANAGER,
    checked_and_released,
    placed_order,
    requested,
    signed,
)
from tests.unit.logistics.test_http import SHIPMENT, post
from tests.unit.logistics.test_http import api as api  # the fixture

pytestmark = pytest.mark.rule("P7.5")

QA = Person("ida.novak", "qa_inspector")
NUMBER = f"RT-{ORDER}-1"
VALVES = [("VALVE-DN50", 5)]


def delivered(lines: dict[str, int] | None = None) -> Shipment:
    order = placed_order()
    shipment = checked_and_released(requested(order))
    shipment.check_outbound(dict(shipment.lines), 1, signed(DISPATCHER))
    shipment.hand_over(("WB1",), 1, signed(ORDER_CLERK))
    shipment.dispatch(NOTICE, signed(DISPATCHER))
    receipt = RecordDelivery(date(2026, 11, 20), "Jana Keller", lines, "short" if lines else "")
    order.record_delivery(shipment, receipt, signed(CUSTOMER_SERVICE))
    return shipment


def asked(
    shipment: Shipment,
    lines: list[tuple[str, int]] = VALVES,
    earlier: list[CustomerReturn] | None = None,
    n: int = 1,
) -> CustomerReturn:
    number = f"RT-{ORDER}-{n}"
    return request_return(
        number, n, shipment, earlier or [], lines, "scratched", "credit", signed(CUSTOMER_SERVICE)
    )


def received(units: dict[str, int] | None = None) -> CustomerReturn:
    found = asked(delivered())
    found.authorise(None, "", signed(SALES_MANAGER))
    found.receive(units or {"VALVE-DN50": 5}, 1, "", signed(ORDER_CLERK))
    return found


# -- the domain ---------------------------------------------------------------------------------


def test_a_return_of_a_delivered_shipment_is_requested_with_its_number_and_lines() -> None:
    found = asked(delivered(), [("VALVE-DN50", 2), ("VALVE-DN50", 3)])

    assert found.return_number == NUMBER and found.status is ReturnStatus.REQUESTED
    assert found.lines == {"VALVE-DN50": 5} and found.remedy == "credit"
    assert found.events == [ReturnStepped(ReturnStatus.REQUESTED)]


def test_a_shipment_not_delivered_yet_cannot_be_returned() -> None:
    with pytest.raises(NotAllowedNow, match="not delivered"):
        asked(checked_and_released())


def test_no_more_can_be_returned_than_the_customer_signed_for_less_earlier_returns() -> None:
    shipment = delivered({"VALVE-DN50": 18, "FLANGE-DN50": 40})
    with pytest.raises(InvalidDecision, match="asked 19, returnable 18"):
        asked(shipment, [("VALVE-DN50", 19)])
    first = asked(shipment, [("VALVE-DN50", 10)])

    with pytest.raises(InvalidDecision, match="asked 9, returnable 8"):
        asked(shipment, [("VALVE-DN50", 9)], [first], n=2)
    with pytest.raises(InvalidDecision, match="returnable 0"):
        asked(shipment, [("GASKET", 1)], [first], n=2)
    assert asked(shipment, [("VALVE-DN50", 8)], [first], n=2).lines == {"VALVE-DN50": 8}


def test_a_declined_return_no_longer_counts_against_what_the_shipment_delivered() -> None:
    shipment = delivered()
    first = asked(shipment, [("VALVE-DN50", 20)])
    first.decline("not our fault", signed(SALES_MANAGER))

    again = asked(shipment, [("VALVE-DN50", 20)], [first], n=2)
    assert again.return_no == 2 and first.status is ReturnStatus.DECLINED


def test_a_return_needs_a_reason_and_some_units() -> None:
    shipment = delivered()
    with pytest.raises(InvalidDecision, match="reason"):
        request_return(NUMBER, 1, shipment, [], VALVES, " ", "credit", signed(CUSTOMER_SERVICE))
    with pytest.raises(InvalidDecision, match="at least one unit"):
        asked(shipment, [])


def test_the_sales_manager_authorises_fixing_the_remedy_once() -> None:
    found = asked(delivered())
    found.authorise("replacement", "goodwill", signed(SALES_MANAGER))

    assert found.status is ReturnStatus.AUTHORISED and found.remedy == "replacement"
    assert found.decided == signed(SALES_MANAGER)
    with pytest.raises(NotAllowedNow, match="authorised, not requested"):
        found.authorise(None, "", signed(SALES_MANAGER))
    with pytest.raises(NotAllowedNow):
        found.decline("too late", signed(SALES_MANAGER))


def test_declining_needs_a_reason() -> None:
    found = asked(delivered())
    with pytest.raises(InvalidDecision, match="reason"):
        found.decline("  ", signed(SALES_MANAGER))
    assert found.status is ReturnStatus.REQUESTED and found.decided is None


def test_goods_are_received_only_once_authorised_and_never_more_than_authorised() -> None:
    found = asked(delivered())
    with pytest.raises(NotAllowedNow, match="requested, not authorised"):
        found.receive({"VALVE-DN50": 5}, 1, "", signed(ORDER_CLERK))
    found.authorise(None, "", signed(SALES_MANAGER))
    with pytest.raises(InvalidDecision, match="authorised 5, received 6"):
        found.receive({"VALVE-DN50": 6}, 1, "", signed(ORDER_CLERK))
    with pytest.raises(InvalidDecision, match="authorised 0, received 1"):
        found.receive({"FLANGE-DN50": 1}, 1, "", signed(ORDER_CLERK))

    found.receive({"VALVE-DN50": 4}, 2, "one missing", signed(ORDER_CLERK))
    assert found.status is ReturnStatus.RECEIVED and found.receipt is not None
    assert found.receipt.lines == {"VALVE-DN50": 4} and found.receipt.parcels == 2


def test_qa_must_account_for_every_received_unit_product_by_product() -> None:
    found = received()
    with pytest.raises(InvalidDecision, match="received 5, inspected 4"):
        found.inspect({"VALVE-DN50": Verdict(3, 1)}, "", signed(QA))
    with pytest.raises(InvalidDecision, match="received 0, inspected 1"):
        found.inspect({"VALVE-DN50": Verdict(5, 0), "X": Verdict(1, 0)}, "", signed(QA))

    found.inspect({"VALVE-DN50": Verdict(3, 2)}, "two dented", signed(QA))
    assert found.status is ReturnStatus.INSPECTED and found.rejected == {"VALVE-DN50": 2}


def test_inspection_waits_for_the_goods_to_arrive() -> None:
    found = asked(delivered())
    found.authorise(None, "", signed(SALES_MANAGER))
    with pytest.raises(NotAllowedNow, match="not received"):
        found.inspect({"VALVE-DN50": Verdict(5, 0)}, "", signed(QA))


def test_only_rejected_units_are_sent_back_and_only_once() -> None:
    accepted = received()
    accepted.inspect({"VALVE-DN50": Verdict(5, 0)}, "", signed(QA))
    with pytest.raises(NotAllowedNow, match="rejected nothing"):
        accepted.send_back("Rhenus", "RH9", signed(DISPATCHER))

    found = received()
    with pytest.raises(NotAllowedNow, match="not inspected"):
        found.send_back("Rhenus", "RH9", signed(DISPATCHER))
    found.inspect({"VALVE-DN50": Verdict(1, 4)}, "", signed(QA))
    found.send_back("Rhenus", "RH9", signed(DISPATCHER))
    assert found.status is ReturnStatus.SENT_BACK
    with pytest.raises(NotAllowedNow, match="sent back already"):
        found.send_back("Rhenus", "RH10", signed(DISPATCHER))


def test_every_step_becomes_a_valid_return_stepped_signed_by_whoever_took_it() -> None:
    found = received({"VALVE-DN50": 4})
    found.inspect({"VALVE-DN50": Verdict(1, 3)}, "", signed(QA))
    found.send_back("Rhenus", "RH9", signed(DISPATCHER))

    steps = [payload(found, event.step) for event in found.events]

    assert [p.step for p in steps] == [
        "requested",
        "authorised",
        "received",
        "inspected",
        "sent_back",
    ]
    who = [p.signed.user for p in steps]
    assert who == ["maria.lopez", "tom.becker", "nina.berger", "ida.novak", "sam.okafor"]
    assert [line.quantity for line in steps[0].lines] == [5]
    assert [line.quantity for line in steps[2].lines] == [4]
    assert [(i.accepted, i.rejected) for i in steps[3].inspected] == [(1, 3)]
    assert [line.quantity for line in steps[4].lines] == [3]
    assert steps[4].carrier == "Rhenus" and steps[4].tracking_number == "RH9"


def test_a_declined_step_carries_the_sales_managers_reason() -> None:
    found = asked(delivered())
    found.decline("outside the warranty", signed(SALES_MANAGER))

    stepped = payload(found, ReturnStatus.DECLINED)
    assert stepped.step == "declined" and stepped.reason == "outside the warranty"
    assert stepped.signed.role == "sales_manager"


# -- over HTTP ----------------------------------------------------------------------------------


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Logistics' database built by its migrations, 0007 `customer_returns` among them."""
    async with sqlite_database(tmp_path / "logistics.db", DEFINITION.migrations) as created:
        yield created


LINES = [
    {"product_code": "VALVE-DN50", "quantity": 20},
    {"product_code": "FLANGE-DN50", "quantity": 40},
]
ASK = {
    "shipment_id": SHIPMENT,
    "lines": [{"product_code": "VALVE-DN50", "quantity": 5}],
    "reason": "five arrived scratched",
    "remedy": "credit",
}


@pytest.fixture
async def desk(api: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The order's shipment delivered, through logistics' own API."""
    await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    steps = [
        ("general_manager", "emergency-release", {"reason": "line stop"}),
        ("dispatcher", "outbound-check", {"lines": LINES, "parcels": 1}),
        ("order_clerk", "handover", {"waybills": ["WB1"], "parcels": 1}),
        (
            "dispatcher",
            "dispatch",
            {"carrier": "Rhenus", "tracking_number": "RH1", "expected_delivery_on": "2026-11-23"},
        ),
        ("customer_service", "delivery", {"delivered_on": "2026-11-20", "received_by": "J. K."}),
    ]
    for role, step, body in steps:
        answer = await post(api, role, f"/shipments/{SHIPMENT}/{step}", body)
        assert answer.status_code == 200, f"{step}: {answer.text}"
    yield api


async def stepped(engine: AsyncEngine) -> list[ReturnSteppedEvent]:
    async with engine.connect() as connection:
        found = await connection.execute(
            select(outbox.c.payload)
            .where(outbox.c.topic == topics.RETURN_STEPPED)
            .order_by(outbox.c.id)
        )
        return [ReturnSteppedEvent.model_validate_json(row.payload) for row in found]


async def stored(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(
            (await connection.execute(select(func.count()).select_from(customer_returns))).scalar()
            or 0
        )


async def test_a_return_goes_through_every_desk_and_each_step_is_published_once(
    desk: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    created = await post(desk, "customer_service", f"/orders/{ORDER}/returns", ASK)
    assert created.status_code == 201, created.text
    assert created.json()["return_number"] == NUMBER
    base = f"/customer-returns/{NUMBER}"
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("sales_manager", "authorisation", {"decision": "authorise", "remedy": "credit"}),
        ("order_clerk", "receipt", {"lines": ASK["lines"], "parcels": 1}),
        (
            "qa_inspector",
            "inspection",
            {"lines": [{"product_code": "VALVE-DN50", "accepted": 3, "rejected": 2}]},
        ),
        ("dispatcher", "send-back", {"carrier": "Rhenus", "tracking_number": "RH-BACK-1"}),
    ]
    for role, step, body in steps:
        answer = await post(desk, role, f"{base}/{step}", body)
        assert answer.status_code == 200, f"{step}: {answer.text}"

    events = await stepped(engine)
    assert [e.payload.step for e in events] == [
        "requested",
        "authorised",
        "received",
        "inspected",
        "sent_back",
    ]
    assert {e.order_id for e in events} == {ORDER} and {e.producer for e in events} == {"logistics"}
    assert [e.payload.signed.role for e in events] == [
        "customer_service",
        "sales_manager",
        "order_clerk",
        "qa_inspector",
        "dispatcher",
    ]
    shown = (await desk.get(base, headers=bearer("finance_clerk"))).json()
    assert shown["status"] == "sent_back" and shown["rejected"] == [
        {"product_code": "VALVE-DN50", "quantity": 2}
    ]
    listed = await desk.get(f"/orders/{ORDER}/returns", headers=bearer("sales_rep"))
    assert [r["return_number"] for r in listed.json()] == [NUMBER]


async def test_returns_are_numbered_per_order_and_the_second_cannot_exceed_what_is_left(
    desk: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post(desk, "customer_service", f"/orders/{ORDER}/returns", ASK)
    too_many = ASK | {"lines": [{"product_code": "VALVE-DN50", "quantity": 16}]}
    refused = await post(desk, "customer_service", f"/orders/{ORDER}/returns", too_many)
    assert refused.status_code == 422 and "returnable 15" in refused.text

    rest = ASK | {"lines": [{"product_code": "VALVE-DN50", "quantity": 15}]}
    second = await post(desk, "customer_service_lead", f"/orders/{ORDER}/returns", rest)
    assert second.status_code == 201 and second.json()["return_number"] == f"RT-{ORDER}-2"
    assert len(await stepped(engine)) == 2 and await stored(engine) == 2
    async with engine.connect() as connection:
        order = await repository.load_order(connection, ORDER)
    assert order is not None and order.returns == 2  # counted on the locked shipping row


async def test_refused_requests_change_nothing_and_publish_nothing(
    desk: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    path = f"/orders/{ORDER}/returns"
    refusals = [
        ("sales_rep", path, ASK, 403),
        ("order_clerk", path, ASK, 403),
        ("customer_service", "/orders/SO-2026-999999/returns", ASK, 404),
        ("customer_service", path, ASK | {"shipment_id": f"SH-{ORDER}-9"}, 404),
        ("customer_service", path, ASK | {"reason": ""}, 422),
        ("customer_service", path, ASK | {"remedy": "refund"}, 422),
        ("customer_service", path, ASK | {"lines": []}, 422),
        ("customer_service", path, ASK | {"urgent": True}, 422),
        ("customer_service", path, ASK | {"reason": "x" * 1001}, 422),
    ]
    for role, where, body, status in refusals:
        answer = await post(desk, role, where, body)
        assert answer.status_code == status, f"{role} {body}: {answer.text}"
    assert await stepped(engine) == [] and await stored(engine) == 0


async def test_a_shipment_not_delivered_is_409(api: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    answer = await post(api, "customer_service", f"/orders/{ORDER}/returns", ASK)
    assert answer.status_code == 409 and "not delivered" in answer.text
    assert await stepped(engine) == [] and await stored(engine) == 0


async def test_each_step_refuses_the_wrong_role_the_wrong_state_and_what_does_not_add_up(
    desk: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post(desk, "customer_service", f"/orders/{ORDER}/returns", ASK)
    base = f"/customer-returns/{NUMBER}"
    receipt = {"lines": ASK["lines"]}
    refusals: list[tuple[str, str, dict[str, Any], int]] = [
        ("customer_service", "authorisation", {"decision": "authorise"}, 403),
        ("sales_manager", "authorisation", {"decision": "decline", "reason": ""}, 422),
        ("sales_manager", "authorisation", {"decision": "decline", "remedy": "credit"}, 422),
        ("order_clerk", "receipt", receipt, 409),
        ("qa_inspector", "receipt", receipt, 403),
        ("sales_manager", "authorisation", {"decision": "maybe"}, 422),
    ]
    for role, step, body, status in refusals:
        answer = await post(desk, role, f"{base}/{step}", body)
        assert answer.status_code == status, f"{role} {step}: {answer.text}"
    unknown = await post(
        desk, "sales_manager", "/customer-returns/RT-X-9/authorisation", {"decision": "authorise"}
    )
    assert unknown.status_code == 404

    ok = await post(desk, "general_manager", f"{base}/authorisation", {"decision": "authorise"})
    assert ok.status_code == 200 and ok.json()["status"] == "authorised"
    again = await post(desk, "sales_manager", f"{base}/authorisation", {"decision": "authorise"})
    assert again.status_code == 409
    more = {"lines": [{"product_code": "VALVE-DN50", "quantity": 6}]}
    assert (await post(desk, "order_clerk", f"{base}/receipt", more)).status_code == 422
    assert (await post(desk, "order_clerk", f"{base}/receipt", receipt)).status_code == 200

    wrong = {"lines": [{"product_code": "VALVE-DN50", "accepted": 5, "rejected": 1}]}
    twice = {"lines": [{"product_code": "VALVE-DN50", "accepted": 3, "rejected": 0}] * 2}
    assert (await post(desk, "qa_inspector", f"{base}/inspection", wrong)).status_code == 422
    assert (await post(desk, "qa_inspector", f"{base}/inspection", twice)).status_code == 422
    assert (await post(desk, "order_clerk", f"{base}/inspection", wrong)).status_code == 403
    whole = {"lines": [{"product_code": "VALVE-DN50", "accepted": 5, "rejected": 0}]}
    assert (await post(desk, "qa_inspector", f"{base}/inspection", whole)).status_code == 200
    back = {"carrier": "Rhenus", "tracking_number": "RH-B"}
    assert (await post(desk, "dispatcher", f"{base}/send-back", back)).status_code == 409

    events = await stepped(engine)
    assert [e.payload.step for e in events] == ["requested", "authorised", "received", "inspected"]
    assert events[1].payload.signed.role == "general_manager"


async def test_a_declined_return_is_published_with_its_reason_and_frees_its_units(
    desk: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post(desk, "customer_service", f"/orders/{ORDER}/returns", ASK)
    decline = {"decision": "decline", "reason": "outside the warranty"}
    answer = await post(desk, "sales_manager", f"/customer-returns/{NUMBER}/authorisation", decline)
    assert answer.status_code == 200 and answer.json()["status"] == "declined"

    whole = ASK | {"lines": [{"product_code": "VALVE-DN50", "quantity": 20}]}
    assert (
        await post(desk, "customer_service", f"/orders/{ORDER}/returns", whole)
    ).status_code == 201
    events = await stepped(engine)
    assert [e.payload.step for e in events] == ["requested", "declined", "requested"]
    assert events[1].payload.reason == "outside the warranty"
    listed = await desk.get(
        f"/customer-returns?order_id={ORDER}&status=declined", headers=bearer("dispatcher")
    )
    assert [r["return_number"] for r in listed.json()] == [NUMBER]
    assert (
        await desk.get("/customer-returns/RT-NONE-1", headers=bearer("dispatcher"))
    ).status_code == 404
