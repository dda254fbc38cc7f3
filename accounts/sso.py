"""Single sign-on with the organisation's OpenID Connect provider (mozilla-django-oidc).

The issuer, client id and secret come from the environment; the provider's endpoints
are read from its discovery document unless set one by one. A claim (``groups`` by
default) maps to our roles; accounts are created on first login only when enabled.
Password logins go through ``LocalPasswordBackend``, which can be switched off for
everyone but the break-glass administrators."""

import logging

import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import roles
from .models import SingleSignOnIdentity, User

logger = logging.getLogger(__name__)

SSO_BACKEND = "accounts.sso.OrganisationBackend"
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def discovery() -> dict:
    """The provider's /.well-known/openid-configuration, cached for an hour."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured("The OpenID provider names another issuer.")
        cache.set(key, document, 3600)
    return document


def oidc_setting(attr, *args):
    """A mozilla-django-oidc setting; endpoints not set explicitly come from discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, None) and sso_enabled():
        value = discovery().get(DISCOVERED[attr])
        if value:
            return value
    return import_from_settings(attr, *args)


def role_from_claims(claims: dict) -> str | None:
    """The strongest of our roles that the claim maps to, or None."""
    values = claims.get(settings.OIDC_ROLE_CLAIM)
    if isinstance(values, str):
        values = [values]
    mapped = {settings.OIDC_ROLE_MAP.get(str(v)) for v in values or ()}
    for role in (roles.ADMIN, roles.MANAGER, roles.PROCUREMENT):
        if role in mapped:
            return role
    return None


class OrganisationBackend(OIDCAuthenticationBackend):
    """An account is found by (issuer, subject); on first login an existing account with
    the same verified e-mail address is linked, or a new one is created if allowed."""

    get_settings = staticmethod(oidc_setting)

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        identity = SingleSignOnIdentity.objects.filter(
            issuer=settings.OIDC_ISSUER, subject=claims["sub"]
        ).select_related("user")
        found = [i.user for i in identity if i.user.is_active]
        if found:
            return found
        email = claims.get("email")
        if email and claims.get("email_verified") and settings.OIDC_LINK_BY_EMAIL:
            return list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        return []

    def get_userinfo(self, access_token, id_token, payload):
        # Asked for once per login (the role mapping and the account both need it).
        key = (access_token, id_token)
        if getattr(self, "_userinfo_for", None) != key:
            self._userinfo = super().get_userinfo(access_token, id_token, payload)
            self._userinfo_for = key
        return self._userinfo

    def get_or_create_user(self, access_token, id_token, payload):
        role = role_from_claims(payload | self.get_userinfo(access_token, id_token, payload))
        if settings.OIDC_ROLE_MAP and role is None:
            logger.warning("SSO login refused: no mapped role for subject %s", payload.get("sub"))
            return None
        self._role = role
        return super().get_or_create_user(access_token, id_token, payload)

    def get_username(self, claims):
        base = (claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        return username

    @transaction.atomic
    def create_user(self, claims):
        if not settings.OIDC_CREATE_USERS:
            return None
        user = User.objects.create_user(
            username=self.get_username(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        identity, _created = SingleSignOnIdentity.objects.get_or_create(
            issuer=settings.OIDC_ISSUER, subject=claims["sub"], defaults={"user": user}
        )
        if identity.user_id != user.pk:
            return None  # the subject belongs to someone else
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        role = getattr(self, "_role", None)
        if settings.OIDC_ROLE_MAP and role and user.role != role:
            # The provider decides the role: replace ours with the one it maps to.
            user.groups.remove(*Group.objects.filter(name__in=roles.ROLES))
            user.groups.add(Group.objects.get(name=role))
            user.__dict__.pop("role", None)
        return user


class SsoOnlyWhenConfigured:
    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OrganisationLoginView(SsoOnlyWhenConfigured, OIDCAuthenticationRequestView):
    """Sends the browser to the provider (404 while single sign-on is not configured)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads the endpoints here; without SSO dispatch says 404.
        if sso_enabled():
            super().__init__(*args, **kwargs)
        else:
            View.__init__(self, *args, **kwargs)


class OrganisationCallbackView(SsoOnlyWhenConfigured, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)


def logged_in_through_sso(request) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND


def password_login_allowed(username: str) -> bool:
    return settings.LOCAL_LOGIN_ENABLED or username in settings.LOCAL_LOGIN_BREAK_GLASS


class LocalPasswordBackend(ModelBackend):
    """Django's password login, refused when password login is off, except for the
    break-glass administrators named in LOCAL_LOGIN_BREAK_GLASS."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and not password_login_allowed(username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.LOCAL_LOGIN_ENABLED and not user.is_admin_role:
            return None  # break-glass accounts are administrators, nobody else
        return user
