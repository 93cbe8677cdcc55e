"""The layers hold: a ratchet on the app graph (docs/ARCHITECTURE.md, bench/app_graph.py).

- The foundation (accounts, tickets, core) imports no app built on it, and the pure libraries
  import no app, except the imports listed in layers_allowed.txt. That list may only shrink:
  an entry that no longer exists fails too, so the list stays the truth.
- No new cycle between apps (imports inside functions count).
- Imports written inside functions do not grow past the pinned number.

Reads the source with `ast`; needs no database.
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest

from anchordesk.core.graph import Graph, build

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = Path(__file__).with_name("layers_allowed.txt")

# Imports of anchordesk modules written inside functions, in the whole package: today only each
# app's AppConfig.ready() importing its own extensions (or checks). Lower it when you remove some;
# the ceiling is 15, each with a one-line reason.
MAX_IMPORTS_IN_FUNCTIONS = 11


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build(ROOT)


def _allowed() -> list[tuple[str, int, str]]:
    entries = []
    for raw in ALLOWED.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where, module = line.split()
        path, lineno = where.rsplit(":", 1)
        entries.append((path, int(lineno), module))
    return entries


def test_the_foundation_imports_no_app_built_on_it(graph: Graph) -> None:
    # Matched by file and imported module: an edit above an allowed import moves its line without
    # making the list untrue (a warning then asks for the new line number).
    found = Counter((i.path, i.module) for i in graph.upward())
    allowed = Counter((path, module) for path, _, module in _allowed())
    new = sorted(
        f"{i.where} {i.module}"
        for i in graph.upward()
        if found[(i.path, i.module)] > allowed[(i.path, i.module)]
    )
    assert not new, (
        "The foundation (or a pure library) reaches up; register an extension point in "
        "anchordesk/core/registry.py instead (docs/ARCHITECTURE.md):\n  " + "\n  ".join(new)
    )
    gone = sorted(f"{p}: {m}" for (p, m), n in allowed.items() if found[(p, m)] < n)
    assert not gone, (
        "These allowed upward imports are gone: remove them from tests/core/layers_allowed.txt:\n  "
        + "\n  ".join(gone)
    )
    lines: dict[tuple[str, str], set[int]] = {}
    for i in graph.upward():
        lines.setdefault((i.path, i.module), set()).add(i.line)
    moved = [f"{p}:{n} {m} (now {sorted(lines[(p, m)])})" for p, n, m in _allowed() if n not in lines[(p, m)]]
    if moved:
        warnings.warn("layers_allowed.txt line numbers moved: " + "; ".join(moved), stacklevel=1)


def test_no_cycle_between_apps(graph: Graph) -> None:
    cycles = [", ".join(component) for component in graph.cycles()]
    assert not cycles, (
        "an import cycle between apps (imports inside functions count); the lower app asks an "
        "extension point in anchordesk/core/registry.py instead of importing the upper one:\n  "
        + "\n  ".join(cycles)
    )


def test_imports_inside_functions_do_not_grow(graph: Graph) -> None:
    count = len(graph.in_functions())
    assert count <= MAX_IMPORTS_IN_FUNCTIONS, (
        f"{count} imports inside functions, more than the {MAX_IMPORTS_IN_FUNCTIONS} pinned: import at "
        "module level, or register an extension point instead of importing an app above you"
    )


def test_each_import_inside_a_function_says_why(graph: Graph) -> None:
    """An import inside a function hides a dependency until first call: the one-line reason sits on
    its line or the line above (docs/ARCHITECTURE.md)."""
    silent = []
    for i in graph.in_functions():
        lines = (ROOT / i.path).read_text(encoding="utf-8").splitlines()
        here, above = lines[i.line - 1], lines[i.line - 2].strip()
        if "#" not in here and not above.startswith("#"):
            silent.append(f"{i.where} {i.module}")
    assert not silent, "imports inside functions without a reason comment:\n  " + "\n  ".join(silent)


def test_the_analysis_sees_imports_of_every_kind(tmp_path: Path) -> None:
    """The ratchet is only as good as its reading of the source: module-level, relative, inside a
    function and under TYPE_CHECKING."""
    pkg = tmp_path / "anchordesk"
    (pkg / "tickets").mkdir(parents=True)
    (pkg / "mail").mkdir()
    for init in (pkg / "__init__.py", pkg / "tickets" / "__init__.py", pkg / "mail" / "__init__.py"):
        init.write_text("")
    (pkg / "mail" / "outbox.py").write_text("from ..tickets import models\n")
    (pkg / "tickets" / "models.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from anchordesk.mail.models import Outbound\n"
        "def reply():\n"
        "    from anchordesk.mail import outbox\n"
    )
    g = build(tmp_path)
    kinds = sorted((i.path, i.kind, i.target_app) for i in g.imports)
    assert kinds == [
        ("anchordesk/mail/outbox.py", "module", "tickets"),
        ("anchordesk/tickets/models.py", "function", "mail"),
        ("anchordesk/tickets/models.py", "typing", "mail"),
    ]
    assert g.cycles() == [["mail", "tickets"]]
    assert sorted(i.where for i in g.upward()) == [
        "anchordesk/tickets/models.py:3",
        "anchordesk/tickets/models.py:5",
    ]
