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
