"""The app-level import graph of the package, read from the source with `ast` (nothing is imported).

Used by bench/app_graph.py (the figures in docs/ARCHITECTURE.md) and by the ratchet test
tests/core/test_layers.py. Pure standard library, so it runs without Django settings.

Each `import` / `from ... import` of an `anchordesk` module is one import, of one of three kinds:
- "module":   written at module level (also inside class bodies and module-level try/if);
- "function": written inside a function (it runs when the function is first called, and is how
  an import cycle is held apart at import time: still a dependency, so it counts for cycles);
- "typing":   inside `if TYPE_CHECKING:` (never runs; reported apart, not counted for cycles).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "anchordesk"

# The layers of issue 14, from the ground up. An app may import its own layer or lower ones.
FOUNDATION = 0
APPS = 1
TOP = 2
LAYER_NAMES = {FOUNDATION: "foundation", APPS: "apps", TOP: "top"}
LAYERS: dict[str, int] = {
    # the ground: identities, tickets, and a small core (audit, events, registry, jobs, leases...)
    "accounts": FOUNDATION,
    "tickets": FOUNDATION,
    "core": FOUNDATION,
    "env": FOUNDATION,  # anchordesk/env.py: typed settings helpers
    "business_calendar": FOUNDATION,  # anchordesk/business_calendar.py: pure date maths
    "business_clock": FOUNDATION,  # anchordesk/business_clock.py: the SLA clock, pure
    # built on the foundation
    "mail": APPS,
    "sla": APPS,
    "automation": APPS,
    "recovery": APPS,
    "collab": APPS,
    "policies": APPS,
    "wellbeing": APPS,
    "insights": APPS,
    "integrations": APPS,
    "portal": APPS,
    "signals": APPS,
    "people": APPS,
    "sso": APPS,
    # the top: the API, the admin center, the demo, operations, and the site's wiring
    "api": TOP,
    "admincenter": TOP,
    "demo": TOP,
    "ops": TOP,
    "settings": TOP,
    "settings_test": TOP,
    "urls": TOP,
    "wsgi": TOP,
    "__main__": TOP,
    "__init__": TOP,
}
# Pure libraries: no Django models, no app. They may import each other and nothing else.
PURE = frozenset({"signals", "business_calendar", "business_clock", "env"})


@dataclass(frozen=True)
class Import:
    path: str  # e.g. "anchordesk/tickets/queries.py", relative to the repository root
    line: int
    module: str  # the imported module, absolute: "anchordesk.collab.queries"
    kind: str  # "module" | "function" | "typing"
    source_app: str
    target_app: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Graph:
    imports: list[Import] = field(default_factory=list)

    @property
    def apps(self) -> list[str]:
        return sorted({i.source_app for i in self.imports} | {i.target_app for i in self.imports})

    def edges(self, kinds: Iterable[str] = ("module", "function")) -> dict[str, set[str]]:
        """App -> apps it imports (itself left out)."""
        wanted = set(kinds)
        out: dict[str, set[str]] = defaultdict(set)
        for imp in self.imports:
            if imp.kind in wanted and imp.source_app != imp.target_app:
                out[imp.source_app].add(imp.target_app)
        return dict(out)

    def cycles(self, kinds: Iterable[str] = ("module", "function")) -> list[list[str]]:
        """Strongly connected components of more than one app, each sorted, largest first."""
        components = _strongly_connected(self.edges(kinds))
        return sorted((sorted(c) for c in components if len(c) > 1), key=lambda c: (-len(c), c))

    def upward(self, kinds: Iterable[str] = ("module", "function", "typing")) -> list[Import]:
        """Imports that break the layering: a lower layer importing a higher one, or a pure
        library importing anything but another pure library."""
        wanted = set(kinds)
        return [i for i in self.imports if i.kind in wanted and breaks_layers(i.source_app, i.target_app)]

    def in_functions(self) -> list[Import]:
        return [i for i in self.imports if i.kind == "function"]


def layer_of(app: str) -> int:
    # An app missing from the map is treated as built on the foundation until someone places it.
    return LAYERS.get(app, APPS)


def breaks_layers(source_app: str, target_app: str) -> bool:
    if source_app == target_app:
        return False
    if source_app in PURE:
        return target_app not in PURE
    return layer_of(target_app) > layer_of(source_app)


def app_of(module: str) -> str | None:
    """ "anchordesk.tickets.queries" -> "tickets"; "anchordesk.settings" -> "settings"."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, node.module] if node.module else base)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, kind
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _walk(child, "function" if kind != "typing" else "typing")
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.body:
                yield from _walk_stmt(stmt, "typing")
            for stmt in child.orelse:
                yield from _walk_stmt(stmt, kind)
        else:
            yield from _walk(child, kind)


def _walk_stmt(stmt: ast.stmt, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        yield stmt, kind
    else:
        yield from _walk(stmt, kind)


def imports_of(root: Path, path: Path) -> Iterator[Import]:
    module = _module_name(root, path)
    source_app = app_of(module)
    if source_app is None:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(root).as_posix()
    for node, kind in _walk(tree, "module"):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _resolve(node, module, path.name == "__init__.py")
            # `from anchordesk import tickets` names the app in the alias, not in the module.
            targets = [f"{base}.{a.name}" for a in node.names] if base == PACKAGE else [base]
        for target in targets:
            target_app = app_of(target)
            if target_app is not None:
                yield Import(rel, node.lineno, target, kind, source_app, target_app)


def build(root: Path) -> Graph:
    """Read every module of the package under `root` (the repository root)."""
    graph = Graph()
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue  # migrations name apps' models by string and are frozen history
        graph.imports.extend(imports_of(root, path))
    return graph


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph is small, but recursion limits are no one's friend)."""
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[set[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                result.append(component)
    return result
