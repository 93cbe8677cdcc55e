from django.contrib import admin

from anchordesk.sso.models import Deprovisioning, SsoIdentity


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin[SsoIdentity]):
    list_display = ["user", "issuer", "subject", "last_sign_in_at"]
    search_fields = ["user__email", "subject"]


@admin.register(Deprovisioning)
class DeprovisioningAdmin(admin.ModelAdmin[Deprovisioning]):
    list_display = ["user", "source", "created_at", "reviewed_at"]
    list_filter = ["source"]
