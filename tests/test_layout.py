"""The house rules that keep the code readable: the pipeline's packages, small modules, no import cycle, and a
SPARQL package that knows nothing of the web."""

from __future__ import annotations

import ast
from pathlib import Path

from support import ROOT

PACKAGE = ROOT / "atlas_ld"
MAX_LINES = 400
MAX_LOOSE_MODULES = 10
PIPELINE = ("parse", "mapping", "validation", "store", "ingest", "publish", "sparql", "web", "web/routes", "web/views")


def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project's modules that `path` imports when it is loaded (imports inside functions are left out)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("atlas_ld"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & known


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_each_step_of_the_pipeline_is_a_package() -> None:
    assert [step for step in PIPELINE if not (PACKAGE / step / "__init__.py").is_file()] == []
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_no_import_cycle() -> None:
    modules = _modules()
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_sparql_package_imports_nothing_from_the_web() -> None:
    modules = _modules()
    web = {
        (name, imported)
        for name, path in modules.items()
        if name.startswith("atlas_ld.sparql")
        for imported in _imports(path, set(modules)) | _third_party(path)
        if imported.startswith(("atlas_ld.web", "fastapi", "starlette"))
    }
    assert web == set()


def _third_party(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names
