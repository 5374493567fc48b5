"""DuckDB pipeline steps of an abm run; ``pipelines.steps.STEPS`` lists them in order."""

import abm  # noqa: F401  (first: it loads numpy before polars, see abm/__init__.py)
