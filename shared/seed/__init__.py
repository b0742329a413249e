"""Master data a service loads at start: the documented seed file of a demo company."""

from shared.seed.model import DEFAULT_SEED_FILE, Seed, load_seed

__all__ = ["DEFAULT_SEED_FILE", "Seed", "load_seed"]
