"""The HTTP API over the published DuckDB file (`abm serve`); ``api.main.create_app`` builds it."""
