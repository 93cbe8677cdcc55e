"""Macro placeholders: {{customer.name}}, {{ticket.number}}, {{agent.name}}. Pure Python.

Substitution is plain text replacement of known names, never a template language, so a
macro cannot reach anything but the values offered here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")

KNOWN = {
    "customer.name": "the customer's name",
    "customer.first_name": "the customer's first name",
    "customer.email": "the customer's email address",
    "ticket.number": "the ticket number",
    "ticket.subject": "the ticket's subject",
    "agent.name": "your name",
    "agent.first_name": "your first name",
}


def render(text: str, values: Mapping[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        return values.get(key, match.group(0)) if key in KNOWN else match.group(0)

    return _PLACEHOLDER.sub(substitute, text)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in KNOWN})
