"""The HTTP API over the published DuckDB file (`abm serve`); ``api.main.create_app`` builds it."""

import abm  # noqa: F401  (first: it loads numpy before polars, see abm/__init__.py)
