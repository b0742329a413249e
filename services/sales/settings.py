"""Sales' settings, read from ORDERFLOW_SALES_* environment variables."""

from datetime import timedelta
from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.sales.domain.deadlines import Deadlines
from shared.settings import ServiceSettings

DEFAULTS = Deadlines()


class SalesSettings(ServiceSettings):
    """Settings of the sales service."""

    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_SALES_", frozen=True, extra="ignore")

    http_port: int = Field(default=8001, ge=0, description="Port of the HTTP API")
    review_deadline: timedelta = Field(
        default=DEFAULTS.review,
        gt=timedelta(0),
        description="Time from placement to the review's outcome; the customer is told to "
        "expect the confirmation by then (P1.5, P8.2)",
    )
    signed_confirmation_deadline: timedelta = Field(
        default=DEFAULTS.signed_confirmation,
        gt=timedelta(0),
        description="Time for the signed confirmation to come back (P3.4, P8.2)",
    )
    deposit_deadline: timedelta = Field(
        default=DEFAULTS.deposit,
        gt=timedelta(0),
        description="Time from the deposit asked to the release for production (P3.3, P8.2)",
    )
    shipment_deadline: timedelta = Field(
        default=DEFAULTS.shipment,
        gt=timedelta(0),
        description="Time from goods produced to goods shipped (P8.2)",
    )
    change_charge_deadline: timedelta = Field(
        default=DEFAULTS.change_charge,
        gt=timedelta(0),
        description="Time for the sales manager to charge for what a change found spent "
        "(P7.2, P8.2)",
    )
    return_authorisation_deadline: timedelta = Field(
        default=DEFAULTS.return_authorisation,
        gt=timedelta(0),
        description="Time for the sales manager to authorise or decline a return (P7.5, P8.2)",
    )
    return_receipt_deadline: timedelta = Field(
        default=DEFAULTS.return_receipt,
        gt=timedelta(0),
        description="Time from a return authorised to its goods received back (P7.5, P8.2)",
    )
    return_inspection_deadline: timedelta = Field(
        default=DEFAULTS.return_inspection,
        gt=timedelta(0),
        description="Time for QA to inspect returned goods once received (P7.5, P8.2)",
    )
    return_send_back_deadline: timedelta = Field(
        default=DEFAULTS.return_send_back,
        gt=timedelta(0),
        description="Time to send units QA rejected back to the customer (P7.5, P8.2)",
    )
    warning_share: Decimal = Field(
        default=DEFAULTS.warning_share,
        gt=0,
        lt=1,
        description="Share of a step's time after which an open step is flagged as heading "
        "for a late finish (P8.2)",
    )
    step_round_seconds: float = Field(
        default=5.0, gt=0, description="How often open steps are checked against deadlines"
    )

    @property
    def deadlines(self) -> Deadlines:
        return Deadlines(
            review=self.review_deadline,
            signed_confirmation=self.signed_confirmation_deadline,
            deposit=self.deposit_deadline,
            shipment=self.shipment_deadline,
            change_charge=self.change_charge_deadline,
            return_authorisation=self.return_authorisation_deadline,
            return_receipt=self.return_receipt_deadline,
            return_inspection=self.return_inspection_deadline,
            return_send_back=self.return_send_back_deadline,
            warning_share=self.warning_share,
        )
