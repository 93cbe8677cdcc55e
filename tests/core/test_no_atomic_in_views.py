"""Views and API routes parse, call one action and render: transactions belong to the actions.

A `transaction.atomic` in a view or an API module means a rule was composed there, out of
reach of the other callers (the UI, the API, commands). This walks those modules and fails
on any use of it, as a decorator, a context manager or a reference.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "anchordesk"


def _thin_modules() -> list[Path]:
    views = [p for p in PACKAGE.rglob("views*.py") if "migrations" not in p.parts]
    views += [p for p in PACKAGE.rglob("views/*.py")]
    return sorted(set(views) | set((PACKAGE / "api").glob("*.py")))


def _atomic_uses(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    """Every `<x>.atomic` and every `from django.db.transaction import atomic`, as file:line."""
    tree = ast.parse(path.read_text(), filename=str(path))
    lines = [
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "atomic"
    ]
    lines += [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module == "django.db.transaction"
        and any(alias.name == "atomic" for alias in node.names)
    ]
    return [f"{path.relative_to(root)}:{line}" for line in sorted(lines)]


def test_the_walk_sees_the_view_and_api_modules():
    names = {str(p.relative_to(PACKAGE)) for p in _thin_modules()}
    assert {"tickets/views_ticket.py", "policies/views.py", "api/tickets.py", "api/messages.py"} <= names


def test_no_view_or_api_module_opens_a_transaction():
    uses = [use for path in _thin_modules() for use in _atomic_uses(path)]
    assert uses == [], "move these transaction.atomic blocks into a do_* action: " + ", ".join(uses)


def test_the_check_catches_a_block_or_a_decorator_written_in_a_view(tmp_path):
    view = tmp_path / "views.py"
    view.write_text(
        "from django.db import transaction\n"
        "from django.db.transaction import atomic\n\n"
        "def save(request):\n"
        "    with transaction.atomic():\n"
        "        pass\n"
    )
    assert _atomic_uses(view, tmp_path) == ["views.py:2", "views.py:5"]
