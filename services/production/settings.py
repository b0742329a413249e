"""Production's settings, read from ORDERFLOW_PRODUCTION_* environment variables."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ProductionSettings(ServiceSettings):
    """Settings of the production service."""

    model_config = SettingsConfigDict(
        env_prefix="ORDERFLOW_PRODUCTION_", frozen=True, extra="ignore"
    )
