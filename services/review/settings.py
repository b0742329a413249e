"""Review's settings, read from ORDERFLOW_REVIEW_* environment variables."""

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.review.domain.master import AutoApprovalPolicy
from shared.settings import ServiceSettings


class ReviewSettings(ServiceSettings):
    """Settings of the review service."""

    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_REVIEW_", frozen=True, extra="ignore")

    http_port: int = Field(default=8002, ge=0, description="Port of the HTTP API")
    auto_approve_max_amount: Decimal | None = Field(
        default=None,
        ge=0,
        description="Automatic approval policy: orders of the AUTO_APPROVE_TIERS up to this "
        "total that need no general manager get the sales manager's step from the actor "
        "'automatic-policy' at receipt (P2.3, P8.1); unset or 0: off, people approve every order",
    )
    auto_approve_tiers: str = Field(
        default="A",
        description="Customer tiers the automatic approval policy applies to, comma-separated "
        "(e.g. 'A' or 'A,B')",
    )
    deadline_check_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often open reviews are checked against their two-day deadline; an "
        "overdue review is escalated once (P2.4, P8.2)",
    )

    def auto_approval(self) -> AutoApprovalPolicy:
        tiers = frozenset(
            tier.strip().upper() for tier in self.auto_approve_tiers.split(",") if tier.strip()
        )
        return AutoApprovalPolicy(max_amount=self.auto_approve_max_amount, tiers=tiers)
