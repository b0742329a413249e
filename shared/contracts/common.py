"""Value types shared by several contracts."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Money = Annotated[
    Decimal,
    Field(max_digits=16, decimal_places=2, description="Exact decimal amount, as a JSON string"),
]
CurrencyCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code, e.g. EUR")
]


class Contract(BaseModel):
    """Base of every wire model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Contract):
    """A delivery address."""

    name: str = Field(min_length=1, description="Recipient (company or person)")
    street: str = Field(min_length=1, description="Street and number")
    postal_code: str = Field(min_length=1, description="Postal code")
    city: str = Field(min_length=1, description="City")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code")


class Contact(Contract):
    """The customer's contact person for this order."""

    name: str = Field(min_length=1, description="Contact person's name")
    email: str | None = Field(default=None, description="E-mail address")
    phone: str | None = Field(default=None, description="Phone number")


class OrderLine(Contract):
    """One priced line of an order."""

    line_no: int = Field(ge=1, description="Line number, from 1")
    product_code: str = Field(min_length=1, description="Product model code")
    quantity: int = Field(gt=0, description="Ordered quantity in units")
    unit_price: Money = Field(ge=0, description="Price per unit")
    amount: Money = Field(ge=0, description="quantity x unit_price")


class Problem(Contract):
    """One defect found in a submission."""

    field: str = Field(description="Dotted path of the field at fault ('' for the whole message)")
    message: str = Field(description="What is wrong, in words a person can act on")
