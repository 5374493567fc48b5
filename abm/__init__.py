"""abm: pick the B2B accounts to target from a company master, sales history and contact lists."""

__version__ = "0.1.0"
