"""The seed file's schema. Each service loads only the part it owns (see README, Master data).

- sales: customers, products (published on customer.updated and product.updated)
- review: approval_authority, qa_capability_level
- production: materials, bill_of_materials, weekly_capacity, routings
- every service with an HTTP API: users (demo credentials)
"""

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.contracts.bounds import (
    MAX_LEAD_TIME_DAYS,
    MAX_MATERIAL_QUANTITY,
    MAX_QUANTITY_PER_UNIT,
    MAX_WEEKLY_UNITS,
    Company,
    IsoWeek,
    MaterialCode,
    Name,
    ProductCode,
    ShortText,
    Unit,
    UserName,
)
from shared.contracts.common import Contract, Money
from shared.contracts.master import CustomerRecord, ProductRecord

MAX_OPERATIONS = 50
"""Operations of one product's routing."""

DEFAULT_SEED_FILE = Path(__file__).parent / "demo_company.json"

Role = Literal[
    "sales_rep",
    "sales_manager",
    "general_manager",
    "engineering",
    "qa",
    "production_planner",
    "purchasing",
    "finance_clerk",
    "customer_service",
    "deputy_general_manager",
    "buyer",
    "qa_inspector",
    "warehouse_clerk",
    "production_manager",
    "dispatcher",
    "order_clerk",
    "customer_service_lead",
    "finance_manager",
]


class User(Contract):
    """Someone who may call the HTTP APIs, and in which role (P8.1).

    A deployment's own users carry the SHA-256 of their token (`token_sha256`, made with
    `python -m shared.http.tokens`), never the token. A user given with the token itself is a
    demo user: accepted only when the service runs in demo mode (`DEMO_MODE`)."""

    name: UserName = Field(description="User name recorded with every decision")
    role: Role = Field(description="The role the user acts in")
    token: str | None = Field(
        default=None,
        min_length=16,
        max_length=200,
        pattern=r"^[!-~]+$",
        description="Demo users only: the bearer token itself (works only in demo mode)",
    )
    token_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="The hex SHA-256 of the user's bearer token",
    )

    @model_validator(mode="after")
    def _one_token(self) -> "User":
        if (self.token is None) == (self.token_sha256 is None):
            raise ValueError("give a user exactly one of token_sha256 or (demo only) token")
        return self

    @property
    def demo(self) -> bool:
        return self.token is not None


class Authority(Contract):
    """How far a role may approve on its own (P2.3, P8.1)."""

    role: Role = Field(description="Approving role")
    max_amount: Money | None = Field(description="Largest order total it may approve; null: any")


class Material(Contract):
    """A material with its stock and supplier lead time (P4.2, P4.3)."""

    material_code: MaterialCode = Field(description="Material code")
    name: Name = Field(description="Material name")
    unit: Unit = Field(description="Unit of measure")
    on_hand: Decimal = Field(
        ge=0, le=MAX_MATERIAL_QUANTITY, decimal_places=6, description="Quantity in stock"
    )
    lead_time_days: int | None = Field(
        ge=0, le=MAX_LEAD_TIME_DAYS, description="Supplier lead time in days; null: no supplier"
    )
    supplier: Name = Field(description="Usual supplier")


class BomLine(Contract):
    """How much of a material one unit of a product needs (P4.1)."""

    product_code: ProductCode = Field(description="Product model code")
    material_code: MaterialCode = Field(description="Material code")
    quantity_per_unit: Decimal = Field(
        gt=0, le=MAX_QUANTITY_PER_UNIT, decimal_places=6, description="Material per finished unit"
    )


class WeeklyCapacity(Contract):
    """Production capacity in finished units per ISO week (P2.4, P4.5)."""

    default_units: int = Field(
        ge=0, le=MAX_WEEKLY_UNITS, description="Units per week unless overridden"
    )
    overrides: dict[IsoWeek, Annotated[int, Field(ge=0, le=MAX_WEEKLY_UNITS)]] = Field(
        default_factory=dict, description="Units for specific weeks, keyed '2027-W11'"
    )
    lead_days: int = Field(
        default=5,
        ge=0,
        le=MAX_LEAD_TIME_DAYS,
        description="Days from the start of production to goods ready for inspection (P4.5)",
    )


class Routing(Contract):
    """The operations a product goes through, in order; QA patrols each (P4.8)."""

    product_code: ProductCode = Field(description="Product model code")
    operations: list[ShortText] = Field(
        min_length=1, max_length=MAX_OPERATIONS, description="Operation names, in order"
    )


class Seed(Contract):
    """A demo company: who works there, whom it sells to, what it makes, from what."""

    company: Company = Field(description="Company name")
    users: list[User] = Field(description="API users and their roles")
    customers: list[CustomerRecord] = Field(description="Customers (sales owns them)")
    products: list[ProductRecord] = Field(description="Products and price list (sales)")
    approval_authority: list[Authority] = Field(description="Approval rights (review)")
    qa_capability_level: int = Field(
        ge=1, le=5, description="Highest inspection level QA can perform (review)"
    )
    materials: list[Material] = Field(description="Materials and stock (production)")
    bill_of_materials: list[BomLine] = Field(description="Materials per product (production)")
    weekly_capacity: WeeklyCapacity = Field(description="Production capacity (production)")
    routings: list[Routing] = Field(
        default_factory=list,
        max_length=10_000,
        description="Routing per product (production); a product without one is assembled in "
        "one operation",
    )


@cache
def load_seed(path: Path = DEFAULT_SEED_FILE) -> Seed:
    return Seed.model_validate_json(path.read_text())
