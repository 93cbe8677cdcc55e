from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from anchordesk.automation.csat import do_rate, survey_for_token
from anchordesk.automation.models import CsatSettings, Rating


def csat(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the question with the clicked answer chosen; only the POST records it, so a
    mail scanner that follows links cannot rate on the customer's behalf."""
    survey = survey_for_token(token)
    if survey is None:
        raise Http404("This rating link is not valid.")
    context = {
        "survey": survey,
        "ticket": survey.ticket,
        "ratings": Rating,
        "errors": {},
        "question": CsatSettings.current().question,
    }
    context["chosen"] = (
        request.GET.get("rating") if request.GET.get("rating") in Rating.values else survey.rating
    )
    if request.method == "POST":
        try:
            do_rate(survey, request.POST.get("rating", ""), request.POST.get("comment", ""))
        except ValidationError as exc:
            context["errors"] = exc.message_dict
            context["comment"] = request.POST.get("comment", "")
            return render(request, "automation/csat.html", context, status=400)
        return render(request, "automation/csat_thanks.html", context)
    return render(request, "automation/csat.html", context)
