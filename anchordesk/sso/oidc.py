"""The OpenID Connect client.

Authlib, not mozilla-django-oidc: Authlib reads the provider's discovery document from the issuer
URL (so an operator sets one URL, not five endpoints), checks the ID token's signature against the
provider's published keys, its issuer, audience and nonce, and keeps state in the Django session;
it is maintained, typed enough, and the same library could serve a provider later.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> DjangoOAuth2App:
    # One client per configuration: it caches the discovery document and the provider's keys.
    oauth = OAuth()
    oauth.register(
        name="anchordesk",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "timeout": 10},
    )
    client = oauth.create_client("anchordesk")
    assert isinstance(client, DjangoOAuth2App)
    return client


def client() -> DjangoOAuth2App:
    scopes = " ".join(str(settings.OIDC_SCOPES).replace(",", " ").split())
    if "openid" not in scopes.split():
        scopes = f"openid {scopes}"
    return _client(
        settings.OIDC_ISSUER.rstrip("/"), settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, scopes
    )


def issuer() -> str:
    """The issuer as the provider names it (from discovery), the key of an SsoIdentity."""
    metadata: dict[str, Any] = client().load_server_metadata()
    return str(metadata.get("issuer") or settings.OIDC_ISSUER.rstrip("/"))


def verified_claims(token: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims (already verified by Authlib) with the userinfo endpoint's on top:
    many providers (and groups claims) only answer there."""
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    if client().load_server_metadata().get("userinfo_endpoint"):
        extra = dict(client().userinfo(token=token))
        if claims.get("sub") and extra.get("sub") != claims["sub"]:
            raise ValueError("userinfo answered for another subject than the ID token")
        claims.update(extra)
    return claims
