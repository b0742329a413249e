"""Sales: owns customers and products, takes orders in and checks them, confirms them to the
customer, releases them for production, and closes them when fulfilled (P1, P3)."""

SERVICE_NAME = "sales"
