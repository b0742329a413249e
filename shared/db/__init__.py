"""Database plumbing shared by the services: engines, messaging tables, migrations."""
