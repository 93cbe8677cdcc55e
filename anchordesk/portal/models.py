from __future__ import annotations

from django.db import models

from anchordesk.accounts.models import Customer


class SignInLink(models.Model):
    """A one-time sign-in link for the customer portal. Only the token's hash is stored."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # Where the link was asked for and used from, for the operator looking into a complaint.
    requested_ip = models.GenericIPAddressField(null=True, blank=True)
    used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Sign-in link for {self.customer_id} at {self.created_at:%Y-%m-%d %H:%M}"
