"""Inbound push endpoint for providers, the admins' quarantine and the outbox page."""

from __future__ import annotations

import hmac

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anchordesk.accounts.models import User
from anchordesk.core.access import require_admin
from anchordesk.core.jobs import job_statuses
from anchordesk.mail.actions import do_save_mailbox
from anchordesk.mail.diagnose import Diagnosis, diagnose
from anchordesk.mail.forms import MailboxForm
from anchordesk.mail.ingest import (
    MAX_RAW_BYTES,
    MessageTooLarge,
    do_discard_inbound,
    do_retry_inbound,
    enqueue_processing,
    store_raw,
)
from anchordesk.mail.models import (
    InboundState,
    Mailbox,
    OutboundKind,
    OutboundState,
    Source,
)
from anchordesk.mail.outbox import do_retry_outbound
from anchordesk.mail.queries import (
    access_inbound,
    access_mailbox,
    access_outbound,
    inbound_emails_visible_to,
    mailboxes_visible_to,
    outbound_emails_visible_to,
)
from anchordesk.mail.tasks import mailbox_job


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


def _require_admin(request: HttpRequest) -> User:
    return require_admin(request, settings_page=True)


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    emails = inbound_emails_visible_to(_require_admin(request))
    show = request.GET.get("state", InboundState.QUARANTINED)
    if show not in InboundState.values:
        show = InboundState.QUARANTINED
    rows = emails.filter(state=show).defer("raw").select_related("mailbox", "ticket")[:200]
    counts = {
        state: emails.filter(state=state).count()
        for state in (InboundState.QUARANTINED, InboundState.IGNORED, InboundState.PENDING)
    }
    return render(
        request,
        "mail/quarantine.html",
        {"rows": rows, "state": show, "counts": counts, "states": InboundState},
    )


@login_required
def raw_message(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = access_inbound(_require_admin(request), inbound_id)
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    return response


@login_required
@require_POST
def retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = access_inbound(_require_admin(request), inbound_id)
    if inbound.state not in (InboundState.QUARANTINED, InboundState.IGNORED):
        raise Http404
    do_retry_inbound(inbound, actor=request.user)
    return redirect("mail-quarantine")


@login_required
@require_POST
def discard(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = access_inbound(_require_admin(request), inbound_id)
    do_discard_inbound(inbound, actor=request.user)
    return redirect("mail-quarantine")


OUTBOX_ROWS = 200


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    return _outbox_page(request)


def _outbox_page(
    request: HttpRequest, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """Every email Anchordesk sent or is sending, newest first, by state and kind."""
    emails = outbound_emails_visible_to(_require_admin(request))
    errors = dict(errors or {})
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    if state and state not in OutboundState.values:
        errors["state"] = f"Unknown state {state!r}; one of {', '.join(OutboundState.values)}."
    if kind and kind not in OutboundKind.values:
        errors["kind"] = f"Unknown kind {kind!r}; one of {', '.join(OutboundKind.values)}."
    rows = emails.defer("body_text", "body_html", "references").order_by("-created_at", "-id")
    if state in OutboundState.values:
        rows = rows.filter(state=state)
    if kind in OutboundKind.values:
        rows = rows.filter(kind=kind)
    counts = dict(emails.order_by().values_list("state").annotate(n=Count("pk")))
    return render(
        request,
        "mail/outbox.html",
        {
            "rows": rows[:OUTBOX_ROWS],
            "limit": OUTBOX_ROWS,
            "state": state,
            "kind": kind,
            "errors": errors,
            "states": [(value, label, counts.get(value, 0)) for value, label in OutboundState.choices],
            "kinds": OutboundKind.choices,
            "total": sum(counts.values()),
        },
        status=400 if errors and status == 200 else status,
    )


@login_required
@require_POST
def outbox_retry(request: HttpRequest, outbound_id: int) -> HttpResponse:
    outbound = access_outbound(_require_admin(request), outbound_id)
    try:
        do_retry_outbound(outbound, actor=request.user)
    except ValidationError as exc:
        reasons = {field: " ".join(messages) for field, messages in exc.message_dict.items()}
        return _outbox_page(request, errors=reasons, status=409)
    return redirect(f"{reverse('mail-outbox')}?state={OutboundState.QUEUED}")


@login_required
def mailboxes(request: HttpRequest) -> HttpResponse:
    """Each mailbox with its last poll and, when the last poll failed, why and when."""
    admin = _require_admin(request)
    statuses = {status.name: status for status in job_statuses()}
    boxes = mailboxes_visible_to(admin).select_related("team")
    rows = [(box, statuses.get(mailbox_job(box.pk))) for box in boxes]
    failing = sum(1 for box, job in rows if box.last_error or (job and job.failing))
    return render(request, "mail/mailboxes.html", {"rows": rows, "failing": failing})


def _mailbox_page(
    request: HttpRequest,
    form: MailboxForm,
    mailbox: Mailbox | None,
    *,
    diagnosis: Diagnosis | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "mail/mailbox_form.html",
        {"form": form, "mailbox": mailbox, "diagnosis": diagnosis, "secret_rows": form.secret_rows()},
        status=status,
    )


@login_required
def mailbox_edit(request: HttpRequest, mailbox_id: int | None = None) -> HttpResponse:
    """Create or edit a mailbox. Bad input answers 400 with the reason beside each field."""
    admin = _require_admin(request)
    mailbox = access_mailbox(admin, mailbox_id) if mailbox_id is not None else None
    if request.method != "POST":
        return _mailbox_page(request, MailboxForm(instance=mailbox), mailbox)
    form = MailboxForm(request.POST, instance=mailbox)
    if not form.is_valid():
        return _mailbox_page(request, form, mailbox, status=400)
    saved = do_save_mailbox(
        form.save(commit=False),
        actor=admin,
        changed=form.changed_data,
        secrets=form.secret_changes(),
    )
    messages.success(request, f"Mailbox “{saved.name}” saved. Press Test connection to check it.")
    if form.generated_push_secret:
        messages.warning(
            request,
            f"The new push secret is {form.generated_push_secret} — copy it now: it is not shown again.",
        )
    return redirect("mail-mailbox-edit", mailbox_id=saved.pk)


@login_required
@require_POST
def mailbox_test(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    """Try the stored settings the way a poll does and say in plain words what failed, or that it works."""
    mailbox = access_mailbox(_require_admin(request), mailbox_id)
    diagnosis = diagnose(mailbox)
    if request.headers.get("HX-Request"):
        return render(request, "mail/partials/_diagnosis.html", {"diagnosis": diagnosis, "mailbox": mailbox})
    return _mailbox_page(request, MailboxForm(instance=mailbox), mailbox, diagnosis=diagnosis)
