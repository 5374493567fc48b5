"""`abm serve`: the published database over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, h, say, settings_from
from abm.messages import text


@friendly
def serve(
    db: DbOpt = None,
    config: ConfigOpt = None,
    host: Annotated[str, typer.Option(help=h("serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=h("serve.port"))] = 8000,
    dev: Annotated[bool, typer.Option("--dev", help=h("serve.dev"))] = False,
) -> None:
    """Serve the published database over HTTP (API keys from config api.keys or ABM_API__KEYS)."""
    import uvicorn

    from api.main import create_app

    settings = settings_from(config, **{"run.db": db, "api.dev_no_keys": dev or None})
    app_ = create_app(settings)  # refuses to start without keys unless --dev
    say(text("cli.serve.listening", settings.ui.language, db=settings.run.db, host=host, port=port))
    uvicorn.run(app_, host=host, port=port, access_log=False, log_level="info")
