"""`python -m abm` is the `abm` command."""

from abm.cli import app

app()
