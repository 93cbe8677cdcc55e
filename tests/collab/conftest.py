"""Collab fixtures. Until the UI helper's base.html lands, pages extend a placeholder kept
outside the repository, so these tests exercise the collab templates on their own."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from tests.factories import make_ticket
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server, for emailed handoffs)

_PLACEHOLDER = (
    "<!doctype html><html><head><title>{% block title %}{% endblock %}</title></head>"
    "<body>{% block sidebar %}{% endblock %}{% block content %}{% endblock %}</body></html>"
)


@pytest.fixture(autouse=True)
def _base_template(settings):
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        folder = Path(tempfile.mkdtemp(prefix="collab-base-"))
        (folder / "base.html").write_text(_PLACEHOLDER)
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["DIRS"] = [*templates[0]["DIRS"], folder]
        settings.TEMPLATES = templates
    yield


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, team=people.support, assignee=people.agent)
