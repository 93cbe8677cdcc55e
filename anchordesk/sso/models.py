from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoIdentity(models.Model):
    """Links an agent to the person an OpenID provider knows (issuer + subject, which never change,
    unlike an email address)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class DeprovisionSource(models.TextChoices):
    SCIM = "scim", "SCIM (identity provider)"
    SIGN_IN = "sign_in", "Single sign-on claims"


class Deprovisioning(models.Model):
    """The identity provider said someone is gone. The offboarding already ran; a lead reviews
    what it handed over and marks it reviewed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deprovisionings"
    )
    source = models.CharField(max_length=20, choices=DeprovisionSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["reviewed_at"], name="sso_deprov_reviewed")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_source_display()})"
