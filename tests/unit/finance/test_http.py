"""Finance's HTTP API on embedded SQLite: authenticated decisions answered 403, 404, 409 or 422
as the design says, a refused decision changing nothing, money as exact strings (P5.2, P6.2,
P6.3)."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance import handlers
from services.finance.app import DEFINITION
from services.finance.settings import FinanceSettings
from shared.clock import FrozenClock
from tests.support.api import bearer, in_process
from tests.unit.finance.test_service import (
    NOW,
    ORDER,
    OTHER,
    bank,
    confirmed,
    consume,
    engine,
    placed,
    shipment,
)

__all__ = ["engine"]


@pytest.fixture
async def api(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    clock = FrozenClock(NOW + timedelta(hours=1))
    async with in_process(DEFINITION, FinanceSettings(), engine, clock) as client:
        await consume(engine, handlers.open_account, placed())
        await consume(engine, handlers.confirm_order, confirmed("B"))
        await consume(engine, handlers.receive_payment, bank("900.00"))
        await consume(engine, handlers.check_shipment, shipment())
        yield client


async def post(api: httpx.AsyncClient, role: str, path: str, body: Any) -> httpx.Response:
    return await api.post(path, json=body, headers=bearer(role))


async def get(api: httpx.AsyncClient, path: str) -> Any:
    found = await api.get(path, headers=bearer("finance_clerk"))
    assert found.status_code == 200, found.text
    return found.json()


@pytest.mark.rule("P5.2")
async def test_signing_an_unpaid_b_shipment_is_409_with_the_amounts_and_a_refusal_needs_a_reason(
    api: httpx.AsyncClient,
) -> None:
    path = "/payment-checks/SH-1/decision"

    signed = await post(api, "finance_clerk", path, {"decision": "sign"})
    unreasoned = await post(api, "finance_clerk", path, {"decision": "refuse"})
    beyond = await post(api, "sales_rep", path, {"decision": "refuse", "reason": "x"})
    unknown = await post(
        api, "finance_clerk", "/payment-checks/SH-9/decision", {"decision": "sign"}
    )

    assert signed.status_code == 409 and "100.00 EUR missing" in signed.text
    assert (unreasoned.status_code, beyond.status_code, unknown.status_code) == (422, 403, 404)
    assert (await get(api, "/payment-checks/SH-1"))["status"] == "pending"


@pytest.mark.rule("P5.2")
async def test_a_refused_check_lists_as_refused_and_a_passed_one_cannot_be_decided_again(
    api: httpx.AsyncClient,
) -> None:
    path = "/payment-checks/SH-1/decision"
    refused = await post(api, "finance_manager", path, {"decision": "refuse", "reason": "unpaid"})

    assert refused.status_code == 200, refused.text
    assert [c["shipment_id"] for c in await get(api, "/payment-checks?status=refused")] == ["SH-1"]
    again = await post(api, "finance_clerk", path, {"decision": "refuse", "reason": "again"})
    assert again.status_code == 409


@pytest.mark.rule("P6.2")
async def test_the_account_shows_money_as_exact_strings(api: httpx.AsyncClient) -> None:
    account = await get(api, f"/accounts/{ORDER}")

    assert (account["total"], account["paid"], account["credit"]) == ("1000.00", "900.00", "0.00")
    assert [p["amount"] for p in account["payments"]] == ["900.00"]
    assert account["checks"][0]["amount"] == "1000.00"


@pytest.mark.rule("P6.2")
async def test_unmatched_payments_are_assigned_or_refunded_by_a_clerk(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await consume(engine, handlers.open_account, placed(OTHER, "500.00"))
    await consume(engine, handlers.receive_payment, bank("50.00", "BANK-X", reference="?"))
    await consume(engine, handlers.receive_payment, bank("60.00", "BANK-Y", reference="?"))

    assigned = await post(
        api, "finance_clerk", "/unmatched-payments/BANK-X/assignment", {"order_id": OTHER}
    )
    twice = await post(
        api, "finance_clerk", "/unmatched-payments/BANK-X/assignment", {"order_id": OTHER}
    )
    refund = await post(api, "finance_clerk", "/unmatched-payments/BANK-Y/refund", {"reason": "?"})
    missing = await post(api, "finance_clerk", "/unmatched-payments/NOPE/refund", {"reason": "x"})

    assert (assigned.status_code, twice.status_code) == (200, 409)
    assert (refund.json()["status"], missing.status_code) == ("refund", 404)
    assert (await get(api, f"/accounts/{OTHER}"))["paid"] == "50.00"


@pytest.mark.rule("P6.2")
async def test_only_the_finance_manager_refunds_credit(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await consume(engine, handlers.receive_payment, bank("300.00", "BANK-2"))
    path = f"/orders/{ORDER}/credit/refund"

    clerk = await post(api, "finance_clerk", path, {"amount": None, "reason": "back"})
    too_much = await post(api, "finance_manager", path, {"amount": "200.01", "reason": "back"})
    manager = await post(api, "finance_manager", path, {"amount": None, "reason": "back"})

    assert (clerk.status_code, too_much.status_code, manager.status_code) == (403, 409, 200)
    assert manager.json()["credit"] == "0.00"
    assert await get(api, "/credits") == []
