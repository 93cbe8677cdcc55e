from __future__ import annotations

from django.db import models

from anchordesk.accounts.models import Customer


class SignInLink(models.Model):
    """A one-time sign-in link for the customer portal. Only the token's hash is stored."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
