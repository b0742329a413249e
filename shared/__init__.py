"""Code shared by the Orderflow services: wire contracts, messaging and database plumbing."""
