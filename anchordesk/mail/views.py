"""Inbound push endpoint for providers and the admins' quarantine."""

from __future__ import annotations

import hmac

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anchordesk.mail.ingest import (
    MAX_RAW_BYTES,
    MessageTooLarge,
    do_discard_inbound,
    do_retry_inbound,
    enqueue_processing,
    store_raw,
)
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, Source


@csrf_exempt  # authenticated by the mailbox's push secret, not a browser session
@require_POST
def push(request: HttpRequest, mailbox_id: int) -> JsonResponse:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    given = request.headers.get("X-Anchordesk-Secret", "")
    if mailbox is None or not mailbox.push_secret or not hmac.compare_digest(given, mailbox.push_secret):
        return JsonResponse({"detail": "Unknown mailbox or wrong secret"}, status=404)
    # Read as a stream, one byte past the limit: a message over MAX_RAW_BYTES gets its 413 with the
    # reason below (request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE with a bare 400).
    raw = request.read(MAX_RAW_BYTES + 1)
    if not raw.strip():
        return JsonResponse(
            {
                "detail": "Empty body",
                "errors": [{"field": "body", "reason": "Send the raw MIME message as the request body."}],
            },
            status=400,
        )
    try:
        inbound, created = store_raw(raw, source=Source.PUSH, mailbox=mailbox)
    except MessageTooLarge as exc:
        return JsonResponse(
            {"detail": str(exc), "errors": [{"field": "body", "reason": str(exc)}]}, status=413
        )
    if created:
        enqueue_processing(inbound.pk)
    return JsonResponse({"id": inbound.pk, "duplicate": not created}, status=202 if created else 200)


def _require_admin(request: HttpRequest) -> None:
    user = request.user
    if not getattr(user, "is_admin_role", False):
        raise PermissionDenied


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    show = request.GET.get("state", InboundState.QUARANTINED)
    if show not in InboundState.values:
        show = InboundState.QUARANTINED
    rows = InboundEmail.objects.filter(state=show).defer("raw").select_related("mailbox", "ticket")[:200]
    counts = {
        state: InboundEmail.objects.filter(state=state).count()
        for state in (InboundState.QUARANTINED, InboundState.IGNORED, InboundState.PENDING)
    }
    return render(
        request,
        "mail/quarantine.html",
        {"rows": rows, "state": show, "counts": counts, "states": InboundState},
    )


@login_required
def raw_message(request: HttpRequest, inbound_id: int) -> HttpResponse:
    _require_admin(request)
    inbound = get_object_or_404(InboundEmail, pk=inbound_id)
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    return response


@login_required
@require_POST
def retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    _require_admin(request)
    inbound = get_object_or_404(InboundEmail, pk=inbound_id)
    if inbound.state not in (InboundState.QUARANTINED, InboundState.IGNORED):
        raise Http404
    do_retry_inbound(inbound, actor=request.user)
    return redirect("mail-quarantine")


@login_required
@require_POST
def discard(request: HttpRequest, inbound_id: int) -> HttpResponse:
    _require_admin(request)
    inbound = get_object_or_404(InboundEmail, pk=inbound_id)
    do_discard_inbound(inbound, actor=request.user)
    return redirect("mail-quarantine")
