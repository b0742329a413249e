"""Logistics' settings, read from ORDERFLOW_LOGISTICS_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class LogisticsSettings(ServiceSettings):
    """Settings of the logistics service."""

    model_config = SettingsConfigDict(
        env_prefix="ORDERFLOW_LOGISTICS_", frozen=True, extra="ignore"
    )

    http_port: int = Field(default=8004, ge=0, description="Port of the HTTP API")
    automatic_policy: bool = Field(
        default=False,
        description="Let one stand-in request, release, check, hand over, dispatch and record "
        "the delivery of every shipment instead of people (demo and benchmark only)",
    )
    deadline_round_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often escalations of emergency releases and late deliveries are "
        "looked for (P5.3, P5.6)",
    )
