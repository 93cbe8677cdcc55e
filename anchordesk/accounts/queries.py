"""Which accounts, invitations and API tokens a user may reach, and the one behind an id
(docs/access.md).

- People's accounts are settings: leads and admins look anyone up (to offboard, send away, change
  a role); nobody else any. The pages and the API refuse other roles first, with the answer their
  address gives (`require_lead`/`require_admin`); these lookups then answer a missing account the
  same as one the user may not reach.
- Invitations: leads and admins see them; only admins change them (the gate says so).
- API tokens: each person's own, and nobody else's, admins included.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anchordesk.accounts.models import ApiToken, Invitation, User
from anchordesk.core.access import NotAllowed


def people_visible_to(user: User) -> QuerySet[User]:
    return User.objects.all() if user.is_lead else User.objects.none()


def access_person(user: User, person_id: int) -> User:
    person = people_visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise NotAllowed("No such person", status=404)
    return person


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.all() if user.is_lead else Invitation.objects.none()


def access_invitation(user: User, invitation_id: int) -> Invitation:
    invitation = invitations_visible_to(user).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotAllowed("No such invitation", status=404)
    return invitation


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def access_token(user: User, token_id: int) -> ApiToken:
    token = tokens_visible_to(user).filter(pk=token_id).first()
    if token is None:
        raise NotAllowed("No such token", status=404)
    return token
