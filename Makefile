# Everyday commands; README's quick start needs none of them.
.PHONY: lint types check format test bench docs

lint:
	ruff check . && ruff format --check .

types:
	mypy

# What CI runs: .ci/run calls `make check` after its fresh-venv install (then the old-DuckDB reader)
check: lint types test

format:
	ruff format . && ruff check --fix .

test:
	pytest

bench:
	abm bench --scale small

docs:
	abm dev docs && abm run && abm dev dictionary
