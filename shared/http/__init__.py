"""HTTP plumbing for the people's decisions: authentication, errors, the app around a service."""
