"""Production's end-to-end scenarios: a seed of the test's own (products made of materials no
other scenario uses, small stock or small weekly capacity), the running plant watched on every
topic, and its people's HTTP calls (docs/production.md)."""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from shared.seed.model import DEFAULT_SEED_FILE
from tests.support.api import Api
from tests.support.bus import Watcher, producer
from tests.support.orders import submission
from tests.support.system import SERVICES, System, launch

WAIT = 60.0
QUIET = 2.0
"""How long to watch for something that must not happen."""


@dataclass(frozen=True)
class Part:
    """A product made of one material of its own, for one scenario."""

    product_code: str
    material_code: str
    on_hand: str
    lead_time_days: int | None = 7
    per_unit: str = "1"
    price: str = "100.00"
    routing: tuple[str, ...] = ()
    supplier: str = "Test Supplier AG"
    unit: str = "kg"

    def lines(self, quantity: int) -> list[dict[str, Any]]:
        return [{"product_code": self.product_code, "quantity": quantity, "unit_price": self.price}]


def write_seed(
    path: Path,
    parts: Iterable[Part] = (),
    capacity: Mapping[str, Any] | None = None,
) -> Path:
    """The demo company's seed with `parts` added and, if given, another weekly capacity."""
    seed = json.loads(DEFAULT_SEED_FILE.read_text())
    for part in parts:
        seed["products"].append(
            {
                "product_code": part.product_code,
                "name": f"Test product {part.product_code}",
                "currency": "EUR",
                "list_price": part.price,
                "max_discount_percent": "0",
                "is_new": False,
                "samples_confirmed": True,
                "bom_ready": True,
                "drawings_ready": True,
                "specification_ready": True,
                "qa_level": 2,
            }
        )
        seed["materials"].append(
            {
                "material_code": part.material_code,
                "name": f"Test material {part.material_code}",
                "unit": part.unit,
                "on_hand": part.on_hand,
                "lead_time_days": part.lead_time_days,
                "supplier": part.supplier,
            }
        )
        seed["bill_of_materials"].append(
            {
                "product_code": part.product_code,
                "material_code": part.material_code,
                "quantity_per_unit": part.per_unit,
            }
        )
        if part.routing:
            seed["routings"].append(
                {"product_code": part.product_code, "operations": list(part.routing)}
            )
    if capacity is not None:
        seed["weekly_capacity"] = dict(capacity)
    path.write_text(json.dumps(seed, indent=1))
    return path


def seed_settings(seed: Path) -> dict[str, str]:
    """Every service reads the same seed file (ORDERFLOW_<SERVICE>_SEED_FILE)."""
    return {f"{service.upper()}_SEED_FILE": str(seed) for service in SERVICES}


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def amount(value: Any) -> int | Decimal:
    """A quantity from a JSON body: a whole number as int, else the Decimal."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else number


@dataclass
class Plant:
    """The five services of one scenario group, every topic watched from the beginning."""

    running: System
    watcher: Watcher
    apis: dict[tuple[str, str | None], Api] = field(default_factory=dict)

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The services' clock: the wall clock plus the shared offset."""
        offset = float(self.running.clock_file.read_text() or 0)
        return datetime.now(UTC) + timedelta(seconds=offset)

    def today(self) -> date:
        return self.now().date()

    async def advance(self, days: int) -> None:
        self.running.advance_clock(timedelta(days=days).total_seconds())
        await asyncio.sleep(0.5)  # every service re-reads the offset within 0.2 s

    # -- the bus ------------------------------------------------------------------------------

    def events(self, topic: str, order_id: str | None = None) -> list[dict[str, Any]]:
        return [
            event
            for event in self.watcher.events(self.running.topic(topic))
            if order_id is None or event["order_id"] == order_id
        ]

    async def event(
        self,
        topic: str,
        order_id: str,
        where: Callable[[dict[str, Any]], bool] = lambda _event: True,
        timeout: float = WAIT,
    ) -> dict[str, Any]:
        def found(_watcher: Watcher) -> bool:
            return any(where(event) for event in self.events(topic, order_id))

        await self.watcher.wait_for(found, timeout, f"{topic} for {order_id}")
        return next(event for event in self.events(topic, order_id) if where(event))

    async def submit(self, body: dict[str, Any]) -> None:
        async with producer(self.running.kafka) as client:
            await client.send_and_wait(
                self.running.topic(topics.ORDER_SUBMITTED),
                json.dumps(body).encode(),
                key=body["customer_reference"].encode(),
            )

    async def order_numbers(self, references: Iterable[str]) -> dict[str, str]:
        """customer reference -> order id, from order.placed."""
        wanted = set(references)

        def numbers() -> dict[str, str]:
            return {
                event["payload"]["customer_reference"]: event["order_id"]
                for event in self.events(topics.ORDER_PLACED)
                if event["payload"]["customer_reference"] in wanted
            }

        await self.watcher.wait_for(
            lambda _w: len(numbers()) == len(wanted), WAIT, f"{len(wanted)} orders placed"
        )
        return numbers()

    async def place(
        self, lines: list[dict[str, Any]], requested: date, customer_id: str = "CUST-0001"
    ) -> str:
        """Submit an order as another system would; its order id once sales placed it."""
        reference = f"PO-{uuid4().hex[:8]}"
        await self.submit(
            submission(
                reference,
                customer_id=customer_id,
                lines=lines,
                requested_delivery_date=requested.isoformat(),
            )
        )
        return (await self.order_numbers([reference]))[reference]

    async def released(self, order_id: str) -> dict[str, Any]:
        """Wait until production released the order (its material list is published)."""
        await self.event(topics.MATERIALS_LISTED, order_id)
        return await self.order(order_id)

    # -- HTTP ---------------------------------------------------------------------------------

    def api(self, role: str | None, service: str = "production") -> Api:
        key = (service, role)
        if key not in self.apis:
            self.apis[key] = Api(self.running.port(service), role)
        return self.apis[key]

    async def post(
        self, role: str | None, path: str, body: Any = None, service: str = "production"
    ) -> httpx.Response:
        return await self.api(role, service).post(path, body)

    async def get(
        self,
        path: str,
        role: str = "production_planner",
        service: str = "production",
        **params: Any,
    ) -> Any:
        response = await self.api(role, service).get(path, params=params or None)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    async def ok(self, role: str, path: str, body: Any = None) -> Any:
        """A decision that must be taken: its response body."""
        response = await self.post(role, path, body)
        assert response.status_code == 200, f"POST {path} as {role}: {response.text}"
        return response.json()

    async def order(self, order_id: str) -> dict[str, Any]:
        return dict(await self.get(f"/production-orders/{order_id}"))

    async def requisitions(self, order_id: str) -> list[dict[str, Any]]:
        return list(await self.get("/requisitions", order_id=order_id))

    async def material(self, code: str) -> dict[str, Any]:
        stock = await self.get("/stock")
        return next(row for row in stock["materials"] if row["material_code"] == code)

    async def wait_until(self, probe: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
        """Poll an async probe until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            found = await probe()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.2)

    async def close(self) -> None:
        for api in self.apis.values():
            await api.__aexit__()


@contextlib.asynccontextmanager
async def running_plant(
    kafka: KafkaAccess,
    postgres_server: str,
    work_dir: Path,
    parts: Iterable[Part],
    capacity: Mapping[str, Any] | None = None,
    settings: Mapping[str, str] | None = None,
) -> AsyncIterator[Plant]:
    """The five services on a seed with `parts` (and `capacity`), production without its
    automatic policy; `settings` add to the seed's."""
    seed = write_seed(work_dir / "seed.json", parts, capacity)
    with_seed = {**seed_settings(seed), **(settings or {})}
    async with (
        launch(kafka, postgres_server, work_dir / "system", with_seed) as running,
        Watcher(kafka, [running.topic(topic) for topic in topics.ALL_TOPICS]) as watcher,
    ):
        company = Plant(running, watcher)
        try:
            yield company
        finally:
            await company.close()
