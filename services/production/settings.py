"""Production's settings, read from ORDERFLOW_PRODUCTION_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ProductionSettings(ServiceSettings):
    """Settings of the production service."""

    model_config = SettingsConfigDict(
        env_prefix="ORDERFLOW_PRODUCTION_", frozen=True, extra="ignore"
    )

    http_port: int = Field(default=8003, ge=0, description="Port of the HTTP API")
    automatic_policy: bool = Field(
        default=False,
        description="Let one stand-in approve requisitions, place purchase orders, start, "
        "inspect and receive orders instead of people (demo and benchmark only)",
    )
