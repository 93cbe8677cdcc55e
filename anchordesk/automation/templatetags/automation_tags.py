"""Template helpers for the macro picker: `{% load automation_tags %}`."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def posted_macros(request: HttpRequest | None) -> list[str]:
    """Macros already in a reply that came back (stale ticket, bad input): they stay with the draft."""
    if request is None or request.method != "POST":
        return []
    return [value for value in request.POST.getlist("macro") if value.isdigit()][:20]
