"""The effective settings written back as TOML, for `abm config`: paste the output into abm.toml.

Python's standard library reads TOML but does not write it, and the settings use only a few value
kinds (text, numbers, booleans, dates, paths, lists, tables and the `[[api.keys]]` array of tables),
so this small writer is enough. Plain API keys are replaced by a placeholder: the output is meant
to be shown and pasted, and secrets belong in the environment or a file only their owner reads.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from abm.config.settings import Settings

SECRET_PLACEHOLDER = "<hidden: set the key in abm.toml or ABM_API__KEYS>"
BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def settings_toml(settings: Settings) -> str:
    """``settings`` as a TOML document that `load_settings` reads back to the same values (keys hidden)."""
    data = settings.model_dump(mode="python")
    for i, key in enumerate(settings.api.keys):  # SecretStr dumps as a mask; say plainly it is hidden
        if key.key is not None:
            data["api"]["keys"][i]["key"] = SECRET_PLACEHOLDER
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines).strip() + "\n"


def _table(values: dict[str, Any], path: list[str], lines: list[str]) -> None:
    """Emit the scalar keys of one table, then its sub-tables and arrays of tables (TOML's order)."""
    if path:
        lines += ["", f"[{'.'.join(_key(p) for p in path)}]"]
    nested = {k: v for k, v in values.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in values.items() if _array_of_tables(v)}
    for k, v in values.items():
        if k in nested or k in arrays:
            continue
        if v is None:  # TOML has no null: leaving the key out keeps its default, which is unset
            lines.append(f"# {_key(k)} = (not set)")
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in nested.items():
        _table(v, [*path, k], lines)
    for k, items in arrays.items():
        for item in items:
            header = ".".join(_key(p) for p in [*path, k])
            lines += ["", f"[[{header}]]"]
            for ik, iv in item.items():
                if iv is not None:
                    lines.append(f"{_key(ik)} = {_value(iv)}")


def _array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key(name: str) -> str:
    return name if BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, SecretStr):
        return json.dumps(SECRET_PLACEHOLDER)
    if isinstance(value, str | Path):
        # a JSON string is a valid TOML basic string (same escapes), Japanese kept readable
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {type(value).__name__}")
