"""Sales' settings, read from ORDERFLOW_SALES_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SalesSettings(ServiceSettings):
    """Settings of the sales service."""

    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_SALES_", frozen=True, extra="ignore")

    http_port: int = Field(default=8001, ge=0, description="Port of the HTTP API")
