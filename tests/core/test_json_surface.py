"""`/api/v1` is the only JSON surface: no view outside anchordesk/api answers JSON, except the few
addresses docs/ARCHITECTURE.md lists ("JSON outside /api/v1") with the reason each stays.

Read from the source with `ast`: a `JsonResponse` (imported, named or called) or a JSON content
type written outside anchordesk/api is an error unless its module and the top-level function or
class it sits in are on the allow-list below. Anything new that the desk's own pages fetch as
JSON belongs in the API, with a schema, its session and CSRF check, and a row in the access matrix.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "anchordesk"

# (module, top-level function or class, or "*" for the whole module): why it answers JSON.
ALLOWED = {
    ("anchordesk/urls.py", "healthz"): "the load balancer's health check, no session",
    ("anchordesk/mail/views.py", "push"): "inbound mail pushed by a mail provider with the mailbox's secret",
    ("anchordesk/sso/scim.py", "*"): "SCIM, a standard protocol with its own content type and bearer token",
    ("anchordesk/accounts/middleware.py", "TwoFactorEnforcementMiddleware"): (
        "the two-factor refusal: JSON for /api/ callers, in the API's error shape"
    ),
}


def _names_json_response(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "JsonResponse") or (
        isinstance(node, ast.Attribute) and node.attr == "JsonResponse"
    )


def _json_uses(tree: ast.Module) -> Iterator[tuple[str, int, str]]:
    """(top-level name or "<module>", line, what) for every JsonResponse and JSON content type."""
    for top in tree.body:
        owner = (
            top.name if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) else "<module>"
        )
        for node in ast.walk(top):
            if isinstance(node, ast.ImportFrom) and any(a.name == "JsonResponse" for a in node.names):
                yield owner, node.lineno, "imports JsonResponse"
            elif _names_json_response(node):
                yield owner, node.lineno, "uses JsonResponse"
            elif (
                isinstance(node, ast.keyword)
                and node.arg == "content_type"
                and isinstance(node.value, ast.Constant)
                and "json" in str(node.value.value)
            ):
                yield owner, node.value.lineno, f"answers {node.value.value}"


def _allowed(module: str, owner: str) -> bool:
    if (module, "*") in ALLOWED:
        return True
    # An allowed view's module may import JsonResponse at its top.
    return (module, owner) in ALLOWED or (owner == "<module>" and any(path == module for path, _ in ALLOWED))


def json_outside_the_api() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        if module.startswith("anchordesk/api/") or "/migrations/" in module:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=module)
        found += [
            f"{module}:{line} {owner} {what}"
            for owner, line, what in _json_uses(tree)
            if not _allowed(module, owner)
        ]
    return found


def test_no_view_outside_the_api_answers_json():
    assert json_outside_the_api() == [], (
        "JSON outside /api/v1: move it to an API operation (anchordesk/api/), or list it in "
        "ALLOWED here and in docs/ARCHITECTURE.md with why it stays"
    )


def test_every_allowed_place_still_answers_json():
    """The allow-list may only shrink: an entry whose JSON is gone must go too."""
    still = set()
    for module, owner in ALLOWED:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        if any(owner in ("*", found) for found, _line, what in _json_uses(tree) if "imports" not in what):
            still.add((module, owner))
    assert sorted(set(ALLOWED) - still) == []


def test_the_check_sees_a_json_view():
    source = "from django.http import JsonResponse\n\ndef ping(request):\n    return JsonResponse({})\n"
    uses = list(_json_uses(ast.parse(source)))
    assert [(owner, what) for owner, _line, what in uses] == [
        ("<module>", "imports JsonResponse"),
        ("ping", "uses JsonResponse"),
    ]
    raw = "def ping(request):\n    return HttpResponse('{}', content_type='application/json')\n"
    assert [what for _o, _l, what in _json_uses(ast.parse(raw))] == ["answers application/json"]


def test_the_allow_list_is_documented():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = doc.split("## JSON outside /api/v1", 1)[-1]
    missing = [
        f"{module} {owner}" for module, owner in ALLOWED if module.removeprefix("anchordesk/") not in section
    ]
    assert "## JSON outside /api/v1" in doc and missing == []
