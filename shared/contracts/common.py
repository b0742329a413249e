"""Value types shared by several contracts."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.bounds import (
    City,
    ContractMoment,
    Email,
    FieldPath,
    LineNumber,
    Money,
    Name,
    Phone,
    PostalCode,
    ProductCode,
    Quantity,
    Reason,
    Street,
    UnitPrice,
    UserName,
)

__all__ = [
    "Address",
    "Channel",
    "Contact",
    "Contract",
    "CurrencyCode",
    "Money",
    "OrderLine",
    "Problem",
    "Signed",
]

Channel = Literal["system", "web", "email", "fax", "desk", "phone", "visit"]
"""How an order came in (P1.1); phone and visit are verbal."""

CurrencyCode = Annotated[
    str,
    Field(
        min_length=3,
        max_length=3,
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 currency code, e.g. EUR",
    ),
]


class Contract(BaseModel):
    """Base of every wire model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Contract):
    """A delivery address."""

    name: Name = Field(description="Recipient (company or person)")
    street: Street = Field(description="Street and number")
    postal_code: PostalCode = Field(description="Postal code")
    city: City = Field(description="City")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code")


class Contact(Contract):
    """The customer's contact person for this order."""

    name: Name = Field(description="Contact person's name")
    email: Email | None = Field(default=None, description="E-mail address")
    phone: Phone | None = Field(default=None, description="Phone number")


class OrderLine(Contract):
    """One priced line of an order."""

    line_no: LineNumber = Field(description="Line number, from 1")
    product_code: ProductCode = Field(description="Product model code")
    quantity: Quantity = Field(description="Ordered quantity in units")
    unit_price: UnitPrice = Field(description="Price per unit")
    amount: Money = Field(description="quantity x unit_price")


class Problem(Contract):
    """One defect found in a submission."""

    field: FieldPath = Field(
        description="Dotted path of the field at fault ('' for the whole message)"
    )
    message: Reason = Field(description="What is wrong, in words a person can act on")


class Signed(Contract):
    """Who made a person's decision, in which role, and when (P8.1)."""

    user: UserName = Field(description="The person, or the automatic policy")
    role: UserName = Field(description="The role they acted in")
    at: ContractMoment = Field(description="When")
