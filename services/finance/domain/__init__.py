"""Finance domain: pure rules and state transitions, no I/O."""
