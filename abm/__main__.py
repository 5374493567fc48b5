"""`python -m abm` is the `abm` command."""

from abm.cli.main import app

app()
