"""The macro picker in the ticket's reply box: the search (htmx). The text a macro inserts comes
from the API (GET /api/v1/tickets/<id>/macros/<id>, anchordesk/api/automation.py).

Inserting changes nothing on the ticket: the reply form carries the macro's id, and its
actions are applied when the reply is sent (tickets/views_ticket.reply → do_use_macros).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from anchordesk.automation.forms import describe_actions
from anchordesk.automation.queries import macros_for
from anchordesk.core.access import require_agent
from anchordesk.tickets.queries import access_ticket


@login_required
@require_GET
def macro_search(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    query = request.GET.get("q", "")[:100]
    rows = [(m, describe_actions(m.actions)) for m in macros_for(user, query)]
    return render(
        request, "automation/partials/_macro_results.html", {"ticket": ticket, "rows": rows, "query": query}
    )
