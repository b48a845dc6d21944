"""The package's import graph: no circle, and every layer imports only downward.

Reads the ``import`` statements of every module under ``src/privacygap`` (module level and
inside functions alike: a lazy import is still a dependency) and fails on a module-level
import circle or on an import that runs up the layers below.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "privacygap"

# The layers, lowest first. A module may import its own package and anything of a lower layer;
# packages that share a layer do not import each other. Keep this list short and honest: a
# new top-level module or package must be placed here (the test says so).
LAYERS: list[set[str]] = [
    {"__init__", "errors", "resources", "progress"},
    {"models", "taxonomy", "docfile", "completeness"},
    {"runjson", "crawl", "extract", "inventory", "output"},
    {"records"},
    {"checks"},
    {"scan", "doctor"},
    {"monitor", "demo"},
    {"cli"},
    {"__main__"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    """``privacygap.crawl.visit`` for ``src/privacygap/crawl/visit.py``."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_imports() -> tuple[dict[str, set[str]], set[str]]:
    """Every module's imports of other privacygap modules (resolved to modules where possible)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                # "from privacygap.crawl import netsafety" imports the module netsafety.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            edges[name].update(t for t in targets if t.split(".")[0] == "privacygap" and t in modules and t != name)
    return edges, set(modules)


def top_part(module: str) -> str:
    """The top-level module or package a module belongs to (``crawl`` for ``privacygap.crawl.visit``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def circles(edges: dict[str, set[str]], modules: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_circle():
    edges, modules = read_imports()
    assert circles(edges, modules) == []


def test_every_top_level_part_has_a_layer():
    _, modules = read_imports()
    unplaced = sorted({top_part(m) for m in modules} - set(RANK))
    assert unplaced == [], f"place these in LAYERS of {__file__}: {unplaced}"


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    """Imports of another part of the same or a higher layer, as readable lines."""
    return sorted(f"{source} imports {target}" for source, targets in edges.items() for target in targets
                  if top_part(source) != top_part(target)
                  and RANK.get(top_part(target), 99) >= RANK.get(top_part(source), -1))


def test_imports_run_only_downward():
    edges, _ = read_imports()
    assert upward_imports(edges) == []


def test_the_checker_sees_a_circle_and_an_upward_import():
    # The checker itself must be able to fail: a made-up graph with both faults.
    edges = {"privacygap.crawl.a": {"privacygap.crawl.b"}, "privacygap.crawl.b": {"privacygap.crawl.a"},
             "privacygap.records.x": {"privacygap.checks.y"}}
    modules = {"privacygap.crawl.a", "privacygap.crawl.b", "privacygap.records.x", "privacygap.checks.y"}
    assert circles(edges, modules) == [["privacygap.crawl.a", "privacygap.crawl.b"]]
    assert upward_imports(edges) == ["privacygap.records.x imports privacygap.checks.y"]
