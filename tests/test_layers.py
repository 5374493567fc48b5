"""The layers, checked on the source: abm core ← pipelines ← the CLI → api; no import cycles.

``abm`` (inputs, matching, ranking, targeting, territories, published contract and reader, report,
sample) is the domain and imports neither ``pipelines`` nor ``api``; ``pipelines`` builds the
published file with ``abm``; ``api`` serves it through ``abm``'s reader, never ``pipelines``; the
CLI (``abm.cli``) is the one place that wires them together. Imports inside functions count too.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("abm", "pipelines", "api")
WIRING = ("abm.cli", "abm.__main__")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


Graph = dict[str, set[str]]


def import_graph() -> Graph:
    """Module → first-party module it imports (``from x import y`` counts y when y is a module)."""
    modules = {_module_name(p): p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")}
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative import
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _layer(module: str) -> str:
    return "cli" if module.startswith(WIRING) else module.split(".")[0]


ALLOWED = {
    "abm": {"abm"},
    "pipelines": {"abm", "pipelines"},
    "api": {"abm", "api"},
    "cli": {"abm", "pipelines", "api", "cli"},
}


def violations(graph: Graph) -> list[str]:
    return sorted(
        f"{a} imports {b}" for a, bs in graph.items() for b in bs if _layer(b) not in ALLOWED[_layer(a)]
    )


def cycle(graph: Graph) -> list[str]:
    """One import cycle between modules (empty if none), ignoring a package's ``__init__`` importing
    its own submodules (a package exposing its parts is not a loop)."""
    acyclic = {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in graph.items()}
    try:
        graphlib.TopologicalSorter(acyclic).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_each_layer_imports_only_what_is_below_it():
    assert violations(import_graph()) == []


def test_no_import_cycles():
    assert cycle(import_graph()) == []


def test_the_cycle_check_finds_a_loop():
    graph = import_graph()
    graph["abm.ranking.bands"].add("abm.report.page")
    graph["abm.report.page"].add("abm.ranking.bands")
    assert set(cycle(graph)) >= {"abm.ranking.bands", "abm.report.page"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from pipelines.project import run\n", ["abm.ranking.x imports pipelines.project"]),
        ("import api.main\n", ["abm.ranking.x imports api.main"]),
        ("def f():\n    from pipelines import steps\n", ["abm.ranking.x imports pipelines.steps"]),
    ],
)
def test_the_check_catches_a_core_module_importing_upwards(source: str, expected: list[str]):
    graph = import_graph()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            graph.setdefault("abm.ranking.x", set()).add(node.names[0].name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            name = f"{node.module}.{node.names[0].name}"
            graph.setdefault("abm.ranking.x", set()).add(name if name in graph else node.module)
    assert violations(graph) == expected


# --- tests: helpers have one home -----------------------------------------------------------------

TESTS = ROOT / "tests"


def forbidden_test_imports(source: str) -> list[str]:
    """The modules a test module imports that it must not: another ``test_*`` module or conftest.

    Shared helpers live in tests/helpers.py; a test importing another test drags that module's
    fixtures and side effects along and breaks when the other test moves."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        found += [n for n in names if n.split(".")[0].startswith("test_") or n.split(".")[0] == "conftest"]
    return found


def test_no_test_module_imports_another_test_module_or_conftest():
    offenders = {
        p.name: bad
        for p in sorted(TESTS.glob("test_*.py"))
        if (bad := forbidden_test_imports(p.read_text("utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from test_api import make_app\n", ["test_api"]),
        ("def f():\n    from conftest import settings_for\n", ["conftest"]),
        ("import test_api_docs\n", ["test_api_docs"]),
        ("from helpers import make_app\nimport pytest\n", []),
    ],
)
def test_the_test_import_check_catches_a_test_importing_a_test(source: str, expected: list[str]):
    assert forbidden_test_imports(source) == expected
