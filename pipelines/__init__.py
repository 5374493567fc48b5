"""DuckDB pipeline steps of an abm run; ``pipelines.steps.STEPS`` lists them in order."""
