"""Open the published file the way an older BI driver would (run with an old duckdb in a throwaway venv)."""

import sys

import duckdb

con = duckdb.connect(sys.argv[1], read_only=True)
targets, first = con.execute("SELECT count(*), min(priority) FROM v_target_accounts").fetchone()
assert targets > 0 and first == 1, (targets, first)
print(f"duckdb {duckdb.__version__} read {sys.argv[1]}: v_target_accounts has {targets:,} rows")
