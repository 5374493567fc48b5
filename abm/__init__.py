"""abm: pick the B2B accounts to target from a company master, sales history and contact lists."""

# numpy before anything imports polars. A polars imported first binds numpy through a lazy proxy
# (polars._dependencies._LazyModule) that breaks once it has loaded numpy: loading copies numpy's
# attributes over its own, among them numpy._globals over the dict it records the import in, so the
# next attribute lookup the proxy cannot answer raises "TypeError: 'module' object does not support
# item assignment". Two threads touching it first at once hit that (a national run crashed so in
# the master index's two build threads); with numpy loaded first, polars takes numpy itself.
import numpy  # noqa: F401

__version__ = "0.1.0"
