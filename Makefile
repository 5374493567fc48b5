# Everyday commands; README's quick start needs none of them.
.PHONY: lint format test bench docs

lint:
	ruff check . && ruff format --check .

format:
	ruff format . && ruff check --fix .

test:
	pytest

bench:
	abm bench --scale small

docs:
	abm dev docs && abm run && abm dev dictionary
