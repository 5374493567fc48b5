"""Seeded sample-data generator: a company master, sales lines and contacts with realistic dirt.

``generate(out_dir, ...)`` writes the three input files (Japanese headers) and ``truth/`` (the
hidden potential, the true company of every customer code and contact, every deliberately bad row).
"""

from abm.sample.core import SampleSummary, generate

__all__ = ["SampleSummary", "generate"]
