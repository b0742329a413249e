"""The five Orderflow department services."""
