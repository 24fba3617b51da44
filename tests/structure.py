"""The project's import structure, read from the source: which module imports which, and what breaks the layers.

Imports inside functions count (they are imports all the same); imports under `if TYPE_CHECKING:` do not (they never
run). tests/ and bench/ are left out: they may import anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# From the bottom up. A package may import its own modules and packages of a lower layer, never one of its own
# layer or above (docs/contributing.md, "The layers").
LAYERS: Mapping[str, float] = {
    "core": 0,
    "contract": 0,
    # Between core and db: the payment gateway uses core only; db/ and everything above may use it.
    "payments": 0.5,
    "db": 1,
    "auth": 2,
    "jobs": 3,
    "seed": 3,
    "loaders": 3,
    "schema": 4,
    "resolvers": 5,
    "service": 6,
    "main": 7,
}
LEFT_OUT = ("tests", "bench", ".venv", "venv", "build")
MAX_LINES = 300
# Modules that are data, not logic, may be longer (SQL migrations are not Python and are not counted).
LONG_ALLOWED: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str
    line: int
    # Inside a function, and whether the line (or the one above) says why in a comment.
    lazy: bool
    explained: bool


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path) -> dict[str, Path]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).parts
        if relative[0] in LEFT_OUT or relative[0].startswith("."):
            continue
        if len(relative) > 1 and not (root / relative[0] / "__init__.py").exists():
            continue  # not a package of the project
        modules[module_name(root, path)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _walk(other, in_function)
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from _walk(child, inner)


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node, lazy in _walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        nearby = lines[node.lineno - 1] + (lines[node.lineno - 2] if node.lineno > 1 else "")
        for target in targets:
            resolved = _project_module(target, modules)
            if resolved is not None and resolved != name:
                found.append(Import(name, resolved, node.lineno, lazy, "#" in nearby))
    return found


def _project_module(target: str, modules: Mapping[str, Path]) -> str | None:
    while target:
        if target in modules:
            return target
        target = target.rpartition(".")[0]
    return None


def import_graph(root: Path) -> tuple[dict[str, set[str]], list[Import]]:
    modules = project_modules(root)
    every = [i for name, path in modules.items() for i in imports_of(name, path, modules)]
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for found in every:
        graph[found.importer].add(found.imported)
    return graph, every


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for importer, targets in graph.items():
        top = importer.partition(".")[0]
        packages.setdefault(top, set()).update(t.partition(".")[0] for t in targets if t.partition(".")[0] != top)
    return packages


def layer_violations(graph: Mapping[str, set[str]]) -> list[str]:
    """`a -> b` for every import of a package at the importer's own layer or above (or of no known layer)."""
    violations = []
    for importer, targets in sorted(package_graph(graph).items()):
        for target in sorted(targets):
            if importer not in LAYERS or target not in LAYERS or LAYERS[target] >= LAYERS[importer]:
                violations.append(f"{importer} -> {target}")
    return violations


def unexplained_lazy_imports(every: list[Import]) -> list[str]:
    return [f"{i.importer}:{i.line} imports {i.imported}" for i in every if i.lazy and not i.explained]


def long_modules(root: Path) -> list[str]:
    too_long = []
    for path in project_modules(root).values():
        relative = path.relative_to(root).as_posix()
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES and relative not in LONG_ALLOWED:
            too_long.append(f"{relative} ({count} lines)")
    return too_long
