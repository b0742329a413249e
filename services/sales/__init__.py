"""Sales: takes orders in, registers them, and closes them when fulfilled (P1, P3)."""

SERVICE_NAME = "sales"
