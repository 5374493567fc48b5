"""README blocks generated from the code, so the documentation cannot drift from it.

``abm dev docs`` rewrites the blocks between ``<!-- name:start -->`` and ``<!-- name:end -->``;
``tests/test_docs.py`` fails when README differs from what this module generates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from abm.config.settings import Settings, describe
from abm.inputs.schema import INPUTS
from pipelines.steps import step_table


def config_table() -> str:
    lines = ["| key | default | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{key}` | `{default}` | {text} |" for key, default, text in describe(Settings)]
    return "\n".join(lines)


def inputs_table() -> str:
    lines = []
    for spec in INPUTS.values():
        optional = " (optional file)" if spec.optional else ""
        lines += [
            f"**{spec.name}**{optional}: {spec.description}",
            "",
            "| column | type | required | accepted headers |",
            "| --- | --- | --- | --- |",
        ]
        for col in spec.columns:
            aliases = ", ".join(col.aliases)
            lines.append(f"| `{col.name}` | {col.kind} | {'yes' if col.required else ''} | {aliases} |")
        lines.append("")
    return "\n".join(lines).rstrip()


BLOCKS: dict[str, Callable[[], str]] = {
    "config": config_table,
    "inputs-table": inputs_table,
    "steps": step_table,  # the run's steps, from their declarations (pipelines/steps.py)
}


def _filler(body: str) -> Callable[[re.Match[str]], str]:
    """Replacement keeping both markers; a function, so backslashes in ``body`` stay literal."""
    return lambda m: f"{m.group(1)}{body}\n{m.group(2)}"


def render(readme: str) -> str:
    """README text with every generated block replaced by its current content."""
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(readme):
            raise ValueError(f"README lacks the markers for block '{name}'")
        body = make()
        readme = pattern.sub(_filler(body), readme)
    return readme


def update(path: Path = Path("README.md")) -> bool:
    """Rewrite the generated blocks in place; True when something changed."""
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old
