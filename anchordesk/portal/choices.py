from django.db import models


class PortalEvent(models.TextChoices):
    """Audit event kinds for customers signing in to the portal."""

    LINK_REQUESTED = "portal.link_requested", "asked for a sign-in link"
    SIGNED_IN = "portal.signed_in", "signed in to the portal"
