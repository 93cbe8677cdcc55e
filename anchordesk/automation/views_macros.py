"""The macro picker in the ticket's reply box: search (htmx) and the text to insert.

Inserting changes nothing on the ticket: the reply form carries the macro's id, and its
actions are applied when the reply is sent (tickets/views_ticket.reply → do_use_macros).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from anchordesk.automation.forms import describe_actions
from anchordesk.automation.queries import access_macro, macros_for, render_macro
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


@login_required
@require_GET
def macro_text(request: HttpRequest, ticket_id: int, macro_id: int) -> JsonResponse:
    """The macro's reply text for this ticket, placeholders filled, and what it will do on send."""
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    macro = access_macro(user, macro_id)
    try:
        text = render_macro(ticket, macro, actor=user)
    except ValidationError:
        raise Http404("No such macro") from None
    # The status the macro sets, so the reply box can show it in its status picker before sending.
    status = next((str(a.get("value")) for a in macro.actions or [] if a.get("type") == "set_status"), None)
    return JsonResponse(
        {
            "id": macro.pk,
            "name": macro.name,
            "text": text,
            "actions": describe_actions(macro.actions),
            "status": status,
        }
    )
