"""Review: contract review and approval of every placed order (P2)."""

SERVICE_NAME = "review"
