from __future__ import annotations

from django import template

from anchordesk.sso.config import oidc_enabled
from anchordesk.sso.models import Deprovisioning

register = template.Library()


@register.simple_tag
def sso_enabled() -> bool:
    return oidc_enabled()


@register.simple_tag
def unreviewed_deprovisionings(limit: int = 20) -> list[Deprovisioning]:
    """People the identity provider deprovisioned whose offboarding no lead has reviewed yet."""
    return list(Deprovisioning.objects.filter(reviewed_at__isnull=True).select_related("user")[:limit])
