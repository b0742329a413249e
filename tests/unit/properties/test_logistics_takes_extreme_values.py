"""What passed a contract never crashes logistics: see extremes.py."""

from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics import handlers as logistics
from services.logistics.adapters.tables import metadata as logistics_tables
from shared.contracts import (
    GoodsProduced,
)
from shared.contracts.bounds import (
    DATE_MAX,
)
from tests.unit.properties import strategies as s
from tests.unit.properties.extremes import (
    PROPERTY,
    REFUSALS,
    closed,
    event,
    produced_lines,
    product_codes,
)
from tests.unit.properties.harness import NOW, incoming, refusing_nothing_but, run

# -- logistics -------------------------------------------------------------------------------------


@st.composite
def logistics_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    order_id = draw(s.order_id())
    return {
        "produced": event(
            GoodsProduced,
            order_id,
            {
                "production_order_id": draw(s.code(50)),
                "lines": produced_lines(draw, draw(product_codes())),
                "ready_on": draw(s.dates()),
            },
            "production",
        ),
        "closed": closed(draw, order_id),
        "today": draw(s.dates(NOW.date(), DATE_MAX)),
    }


@PROPERTY
@given(logistics_scenarios())
def test_logistics_handlers_take_every_extreme_valid_value(scenario: dict[str, Any]) -> None:
    now = datetime.combine(scenario["today"], NOW.timetz())

    async def drive(connection: AsyncConnection) -> None:
        await refusing_nothing_but(
            REFUSALS, logistics.ship_goods(connection, incoming(scenario["produced"], "x", now))
        )
        await refusing_nothing_but(
            REFUSALS, logistics.close_shipment(connection, incoming(scenario["closed"], "x", now))
        )

    run(logistics_tables, drive)
