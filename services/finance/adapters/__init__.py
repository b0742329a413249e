"""Finance adapters: its database and its wire contracts."""
