"""Finance's settings, read from ORDERFLOW_FINANCE_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class FinanceSettings(ServiceSettings):
    """Settings of the finance service."""

    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_FINANCE_", frozen=True, extra="ignore")

    http_port: int = Field(default=8005, ge=0, description="Port of the HTTP API")
    automatic_policy: bool = Field(
        default=False,
        description="Let one stand-in sign or refuse payment checks instead of the finance "
        "clerk (demo and benchmark only)",
    )
    collection_round_seconds: float = Field(
        default=5.0, gt=0, description="How often the collection round looks for overdue steps"
    )
