"""Sending the sign-in email from the worker.

Off the request so that answering "check your inbox" takes as long for an unknown
address as for a known one: the mail server's delay would otherwise tell them apart.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from huey.contrib.djhuey import db_task

from anchordesk.portal.models import SignInLink


@db_task(retries=3, retry_delay=60)
def send_sign_in_email(link_id: int, url: str) -> bool:
    """Email the link unless it was used meanwhile; a failed send is retried by the worker."""
    link = SignInLink.objects.select_related("customer").filter(pk=link_id, used_at__isnull=True).first()
    if link is None:
        return False
    context = {
        "customer": link.customer,
        "url": url,
        "minutes": max(1, settings.PORTAL_LINK_MAX_AGE // 60),
    }
    send_mail(
        subject=render_to_string("portal/emails/sign_in_subject.txt", context).strip(),
        message=render_to_string("portal/emails/sign_in_link.txt", context),
        from_email=None,
        recipient_list=[link.customer.email],
    )
    return True
