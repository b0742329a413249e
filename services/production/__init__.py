"""Production: makes the approved orders and reports the finished goods (P4)."""

SERVICE_NAME = "production"
