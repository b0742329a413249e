"""Review's settings, read from ORDERFLOW_REVIEW_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReviewSettings(ServiceSettings):
    """Settings of the review service."""

    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_REVIEW_", frozen=True, extra="ignore")

    http_port: int = Field(default=8002, ge=0, description="Port of the HTTP API")
