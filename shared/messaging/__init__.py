"""Messaging shared by every service: inbox, outbox relay, dead letters, the consume pipeline."""
