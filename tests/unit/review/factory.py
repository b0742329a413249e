"""Builders for review tests: a demo company's master data and placed orders."""

from datetime import UTC, date, datetime
from decimal import Decimal

from services.review.domain.master import (
    ApprovalAuthority,
    AutoApprovalPolicy,
    Customer,
    Product,
    ReviewBasis,
)
from services.review.domain.model import Line, OpenReview, Review
from shared.decisions import Person

RECEIVED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
REQUESTED = date(2027, 4, 15)

SALES_MANAGER = Person("jonas.weber", "sales_manager")
GENERAL_MANAGER = Person("li.wang", "general_manager")
SALES_REP = Person("mei.zhang", "sales_rep")
ENGINEER = Person("anna.novak", "engineering")
INSPECTOR = Person("pierre.dubois", "qa")

AUTHORITY = ApprovalAuthority({"sales_manager": Decimal("50000.00"), "general_manager": None})

A_TIER = Customer("CUST-0001", "A", Decimal("250000.00"), ("net30", "net60", "prepaid"))
SMALL_CREDIT = Customer("CUST-0002", "A", Decimal("20000.00"), ("net30", "net60", "prepaid"))
B_TIER = Customer("CUST-0011", "B", Decimal("60000.00"), ("net30", "prepaid"))


def product(code: str = "VALVE-DN50", qa_level: int = 3, **readiness: bool) -> Product:
    flags = {
        "is_new": False,
        "samples_confirmed": True,
        "bom_ready": True,
        "drawings_ready": True,
        "specification_ready": True,
    }
    flags.update(readiness)
    return Product(product_code=code, qa_level=qa_level, **flags)


STANDARD = product("VALVE-DN50")
NEW_UNREADY = product(
    "PUMP-HX90",
    qa_level=4,
    is_new=True,
    samples_confirmed=False,
    specification_ready=False,
)
BEYOND_QA = product("SENSOR-P1", qa_level=5)


def basis(
    customer: Customer | None = A_TIER,
    products: tuple[Product, ...] = (STANDARD,),
    open_balance: str = "0",
    auto_approve: str | None = None,
    tiers: frozenset[str] = frozenset({"A"}),
) -> ReviewBasis:
    return ReviewBasis(
        customer=customer,
        products={item.product_code: item for item in products},
        authority=AUTHORITY,
        qa_capability_level=4,
        open_balance=Decimal(open_balance),
        auto_approval=AutoApprovalPolicy(
            Decimal(auto_approve) if auto_approve is not None else None, tiers
        ),
    )


def order(
    total: str = "970.00",
    customer_id: str = "CUST-0001",
    products: tuple[str, ...] = ("VALVE-DN50",),
    payment_terms: str | None = None,
    order_id: str = "SO-2027-000001",
) -> OpenReview:
    return OpenReview(
        order_id=order_id,
        customer_id=customer_id,
        currency="EUR",
        total_amount=Decimal(total),
        requested_delivery_date=REQUESTED,
        payment_terms=payment_terms,
        lines=tuple(Line(number, code, 20) for number, code in enumerate(products, start=1)),
    )


def opened(command: OpenReview | None = None) -> Review:
    """A review opened at RECEIVED, its opening events cleared."""
    review = Review.open(command or order(), RECEIVED)
    review.events.clear()
    return review
