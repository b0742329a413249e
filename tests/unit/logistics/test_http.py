"""Logistics' HTTP API on embedded SQLite: authenticated decisions answered 403, 404, 409 or
422 as the design says, a refused decision changing nothing (P5.1, P5.3, P5.4, P5.5, P5.6)."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.logistics import handlers
from services.logistics.app import DEFINITION
from services.logistics.settings import LogisticsSettings
from shared.clock import FrozenClock
from tests.support.api import bearer, in_process
from tests.unit.logistics.builders import (
    FRIDAY,
    ORDER,
    goods_produced,
    incoming,
    order_placed,
    payment_checked,
)
from tests.unit.logistics.test_handlers import unit

SHIPMENT = f"SH-{ORDER}-1"


@pytest.fixture
async def api(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    clock = FrozenClock(FRIDAY)
    async with in_process(DEFINITION, LogisticsSettings(), engine, clock) as client:
        await unit(engine, lambda c: handlers.place_order(c, incoming(order_placed())))
        await unit(engine, lambda c: handlers.record_production(c, incoming(goods_produced())))
        yield client


async def post(api: httpx.AsyncClient, role: str, path: str, body: Any) -> httpx.Response:
    return await api.post(path, json=body, headers=bearer(role))


@pytest.mark.rule("P5.1")
async def test_customer_service_requests_a_shipment_and_the_order_view_shows_it(
    api: httpx.AsyncClient,
) -> None:
    created = await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    assert created.status_code == 200, created.text
    assert created.json()["shipment_id"] == SHIPMENT

    view = await api.get(f"/orders/{ORDER}", headers=bearer("dispatcher"))
    assert view.json()["remaining"] == {} and len(view.json()["shipments"]) == 1
    again = await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    assert again.status_code == 409


@pytest.mark.rule("P5.1")
async def test_a_partial_request_without_agreement_is_422_and_a_dispatcher_request_403(
    api: httpx.AsyncClient,
) -> None:
    less = {"lines": [{"product_code": "VALVE-DN50", "quantity": 1}]}
    assert (
        await post(api, "customer_service", f"/orders/{ORDER}/shipments", less)
    ).status_code == 422
    assert (await post(api, "dispatcher", f"/orders/{ORDER}/shipments", {})).status_code == 403
    assert (await post(api, "customer_service", "/orders/SO-X/shipments", {})).status_code == 404
    unknown_field = {"everything": True}
    assert (
        await post(api, "customer_service", f"/orders/{ORDER}/shipments", unknown_field)
    ).status_code == 422


@pytest.mark.rule("P5.1")
async def test_release_is_409_before_the_check_and_403_for_the_finance_signer(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    assert (
        await post(api, "sales_manager", f"/shipments/{SHIPMENT}/release", {})
    ).status_code == 409

    check = payment_checked(SHIPMENT, amount="60000.00")
    await unit(engine, lambda c: handlers.record_payment_check(c, incoming(check)))

    beyond = await post(api, "sales_manager", f"/shipments/{SHIPMENT}/release", {})
    assert beyond.status_code == 403 and "authority" in beyond.text
    released = await post(api, "general_manager", f"/shipments/{SHIPMENT}/release", {})
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"


@pytest.mark.rule("P5.3")
async def test_an_emergency_release_without_a_reason_is_422_and_dispatch_unreleased_409(
    api: httpx.AsyncClient,
) -> None:
    await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    path = f"/shipments/{SHIPMENT}/emergency-release"
    assert (await post(api, "general_manager", path, {"reason": ""})).status_code == 422
    notice = {"carrier": "Rhenus", "tracking_number": "RH1", "expected_delivery_on": "2026-11-23"}
    assert (
        await post(api, "dispatcher", f"/shipments/{SHIPMENT}/dispatch", notice)
    ).status_code == 409
    shipment = await api.get(f"/shipments/{SHIPMENT}", headers=bearer("dispatcher"))
    assert shipment.json()["status"] == "requested" and shipment.json()["dispatched"] is None


@pytest.mark.rule("P5.5")
async def test_a_released_shipment_goes_through_check_handover_dispatch_and_delivery(
    api: httpx.AsyncClient,
) -> None:
    await post(api, "customer_service", f"/orders/{ORDER}/shipments", {})
    await post(
        api, "general_manager", f"/shipments/{SHIPMENT}/emergency-release", {"reason": "line stop"}
    )
    lines = [
        {"product_code": "VALVE-DN50", "quantity": 20},
        {"product_code": "FLANGE-DN50", "quantity": 40},
    ]
    steps = [
        ("dispatcher", "outbound-check", {"lines": lines, "parcels": 2}),
        ("order_clerk", "handover", {"waybills": ["WB1", "WB2"], "parcels": 2}),
        (
            "dispatcher",
            "dispatch",
            {"carrier": "Rhenus", "tracking_number": "RH1", "expected_delivery_on": "2026-11-23"},
        ),
        (
            "customer_service",
            "delivery",
            {"delivered_on": "2026-11-20", "received_by": "Jana Keller"},
        ),
    ]
    for role, step, body in steps:
        answer = await post(api, role, f"/shipments/{SHIPMENT}/{step}", body)
        assert answer.status_code == 200, f"{step}: {answer.text}"
    assert answer.json()["status"] == "delivered"
    listed = await api.get("/shipments?status=delivered", headers=bearer("dispatcher"))
    assert [s["shipment_id"] for s in listed.json()] == [SHIPMENT]
