"""Finance: accounts per order, invoices and payments received (P6)."""

SERVICE_NAME = "finance"
