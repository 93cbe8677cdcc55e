"""Names that explain themselves (issue 14), read from the source with `ast`; needs no database.

- An audit event's kind is a member of its app's event enum (choices.py), never a bare string:
  a typo would otherwise record a kind nothing reads, and the readers could not find the writers.
- A public function of an app's actions.py is an action, named do_*: what changes data says so
  at every call site. Readers live in the app's queries.py; the few left in actions.py are listed
  below with the reason they stay.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "anchordesk"

# Subscribers to ticket events (core/events.py), registered in each app's extensions.py: they
# run inside the recording action's transaction, so they are named for when they run.
SUBSCRIBER_PREFIX = "on_"

# Public functions of actions.py that change nothing, and why they are not in queries.py.
READERS = {
    # The field-by-field checks the handoff form shows before do_open_handoff runs them again.
    "anchordesk/collab/actions.py": {"check_handoff", "check_external"},
    # Builds do_update_article's input from an article and the fields to change (the API uses it too).
    "anchordesk/kb/actions.py": {"article_data"},
    # What the sign-in link page says, beside do_consume_sign_in_link that shares its lookup.
    "anchordesk/portal/actions.py": {"get_sign_in_link_state"},
    # Creates the agent's profile on first read (get_or_create, not audited); do_set_volunteer uses it.
    "anchordesk/wellbeing/actions.py": {"profile_for"},
}


def _string_kinds(source: str, name: str) -> list[str]:
    """`name:line kind` for each record_event() call whose kind is a string literal or f-string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if called != "record_event":
            continue
        kind = node.args[0]
        branches = [kind.body, kind.orelse] if isinstance(kind, ast.IfExp) else [kind]
        if any(isinstance(b, ast.Constant | ast.JoinedStr) for b in branches):
            found.append(f"{name}:{node.lineno} {ast.unparse(kind)}")
    return found


def test_every_recorded_kind_is_an_enum_member() -> None:
    offenders = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in _string_kinds(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not offenders, (
        "record_event() takes a member of the app's event enum in its choices.py "
        "(e.g. AccountEvent.AGENT_CREATED), not a string:\n  " + "\n  ".join(offenders)
    )


def test_the_check_sees_a_bare_string() -> None:
    # The walk above is only worth something if it notices the mistake it is for.
    source = (
        'record_event("agent.created", actor=None)\n'
        'audit.record_event(f"x.{y}")\n'
        'record_event("a" if ok else Kind.B)\n'
        "record_event(AccountEvent.AGENT_CREATED)\n"
    )
    assert [line.split()[0] for line in _string_kinds(source, "sample.py")] == [
        "sample.py:1",
        "sample.py:2",
        "sample.py:3",
    ]


def test_public_functions_of_actions_are_actions() -> None:
    misnamed = []
    for path in sorted(PACKAGE.glob("*/actions.py")):
        name = str(path.relative_to(ROOT))
        allowed = READERS.get(name, set())
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith(("_", "do_", SUBSCRIBER_PREFIX)):
                continue
            if node.name not in allowed:
                misnamed.append(f"{name}:{node.lineno} {node.name}")
    assert not misnamed, (
        "A public function of actions.py changes data and is named do_*; a reader goes to the app's "
        "queries.py (or, with its reason, to READERS here):\n  " + "\n  ".join(misnamed)
    )


def test_the_readers_listed_still_exist() -> None:
    # The list only shrinks: a reader moved or renamed leaves it.
    gone = [
        f"{name} {reader}"
        for name, readers in READERS.items()
        for reader in sorted(readers)
        if f"\ndef {reader}(" not in (ROOT / name).read_text(encoding="utf-8")
    ]
    assert not gone, "Remove these from READERS:\n  " + "\n  ".join(gone)
