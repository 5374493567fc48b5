"""The FastAPI app: settings, the published database, keys, error handlers and the routers."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from abm.config.settings import Settings, load_settings
from abm.published.reader import PublishedFile
from api import access_log, docs, errors, queries
from api.deps import single_valued
from api.routes import accounts, deciles, exports, health, pareto, runs, segments, territories
from api.security import Keyring
from api.web import install as install_workspace

DESCRIPTION = """Tiered B2B target accounts from the DuckDB file `abm run` publishes.

Every endpoint except `/health` needs a key in the `X-API-Key` header. Scope `read` reads accounts
and analyses; contact personal data (names, emails, phones) needs scope `read:contacts`.
Each request reads the run published when it starts: a new run is served from the next request.
People use the workspace at `/` (log in with the same key, once).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    keyring = Keyring(settings.api)  # refuses to start without keys unless api.dev_no_keys
    app = FastAPI(
        title="abm target-list API",
        version="1",
        description=DESCRIPTION,
        dependencies=[Depends(single_valued)],  # ?limit=1&limit=2 is a 422, never a silent pick
        docs_url=None,  # /docs and /redoc come from api.docs, with their assets served by the app
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.keyring = keyring
    app.state.db = PublishedFile(
        settings.run.db.resolve(),
        settings.api.threads,
        settings.api.memory_limit,
        warm=queries.warm,
        accounts_in_memory=settings.api.accounts_in_memory,
    )
    errors.install(app)
    docs.install(app)
    access_log.configure(settings.api)
    access_log.install(app)
    for module in (health, runs, accounts, segments, pareto, deciles, territories, exports):
        app.include_router(module.router)
    install_workspace(app, keyring)  # the people's pages at / (api.web)
    return app
