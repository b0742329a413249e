"""Production's documents (requisitions, purchase orders, deliveries, supplier returns,
safety-stock requests): stored whole as JSON, found by number, status and a few keys; numbered
per kind (PR-000001, ...) from a counter row that the numbering transaction holds locked."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters.tables import (
    deliveries,
    document_counters,
    purchase_orders,
    requisitions,
    safety_stock_requests,
    supplier_returns,
)
from services.production.domain.purchasing import (
    Delivery,
    PurchaseOrder,
    Requisition,
    SupplierReturn,
)
from services.production.domain.safety_stock import SafetyStockRequest
from shared.db.sequences import next_number
from shared.decisions import NotFound

T = TypeVar("T")


@dataclass(frozen=True)
class Documents(Generic[T]):
    table: Table
    kind: str
    title: str
    """What people call it, in refusals."""
    adapter: TypeAdapter[T]
    keys: Callable[[T], dict[str, Any]]
    """The columns besides the JSON document: at least number and status."""

    async def number(self, connection: AsyncConnection) -> str:
        """The next number of this kind, e.g. PR-000001 (never given twice, no gaps)."""
        drawn = await next_number(connection, document_counters, kind=self.kind)
        return f"{self.kind}-{drawn:06d}"

    async def get(self, connection: AsyncConnection, number: str) -> T | None:
        """The document, locked until the transaction ends."""
        found = await connection.execute(
            select(self.table.c.document).where(self.table.c.number == number).with_for_update()
        )
        row = found.first()
        return None if row is None else self.adapter.validate_python(row.document)

    async def require(self, connection: AsyncConnection, number: str) -> T:
        """The document, locked; refused (404) if there is none."""
        found = await self.get(connection, number)
        if found is None:
            raise NotFound(f"there is no {self.title} {number}")
        return found

    async def find(self, connection: AsyncConnection, **where: Any) -> list[T]:
        query = select(self.table.c.document).order_by(self.table.c.number)
        for column, value in where.items():
            query = query.where(self.table.c[column] == value)
        found = await connection.execute(query)
        return [self.adapter.validate_python(row.document) for row in found]

    def _row(self, document: T) -> dict[str, Any]:
        return {**self.keys(document), "document": self.adapter.dump_python(document, mode="json")}

    async def add(self, connection: AsyncConnection, document: T) -> None:
        await connection.execute(self.table.insert().values(**self._row(document)))

    async def save(self, connection: AsyncConnection, document: T) -> None:
        row = self._row(document)
        await connection.execute(
            self.table.update().where(self.table.c.number == row["number"]).values(**row)
        )


REQUISITIONS = Documents(
    requisitions,
    "PR",
    "requisition",
    TypeAdapter(Requisition),
    lambda r: {
        "number": r.number,
        "status": r.status.value,
        "order_id": r.order_id,
        "material_code": r.material_code,
    },
)
PURCHASE_ORDERS = Documents(
    purchase_orders,
    "PO",
    "purchase order",
    TypeAdapter(PurchaseOrder),
    lambda p: {
        "number": p.number,
        "status": p.status.value,
        "order_id": p.order_id,
        "material_code": p.material_code,
    },
)
DELIVERIES = Documents(
    deliveries,
    "GR",
    "delivery",
    TypeAdapter(Delivery),
    lambda d: {"number": d.number, "status": d.status.value, "purchase_order": d.purchase_order},
)
RETURNS = Documents(
    supplier_returns,
    "SR",
    "supplier return",
    TypeAdapter(SupplierReturn),
    lambda r: {"number": r.number, "status": r.status.value},
)
SAFETY_STOCK = Documents(
    safety_stock_requests,
    "SS",
    "safety-stock request",
    TypeAdapter(SafetyStockRequest),
    lambda r: {"number": r.number, "status": r.status.value},
)
