"""Logistics: ships the finished goods and tracks them to the customer (P5)."""

SERVICE_NAME = "logistics"
