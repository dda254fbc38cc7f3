"""Password reset by e-mail: Django's views, limited per client address and per
e-mail address, audited, the same answer whether or not the address has an account,
and refused for deactivated accounts at every step."""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from core.client_address import client_address

from .events import record
from .models import AccessEvent

logger = logging.getLogger(__name__)


def _over_limit(request, email: str) -> bool:
    """Count this request against its client address and its e-mail address; True once
    either has asked more than PASSWORD_RESET_LIMIT times in the window. Both counts
    run whether or not an account has the address, so the answer reveals nothing."""
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    keys = (f"pwreset:addr:{client_address(request)}", f"pwreset:email:{email_key}")
    try:
        counts = []
        for key in keys:
            cache.add(key, 0, timeout=window)
            counts.append(cache.incr(key))
    except Exception as error:  # an unreachable cache must not turn into unlimited mail
        logger.warning("Password reset refused, the cache is unreachable: %s", error)
        return True
    return max(counts) > settings.PASSWORD_RESET_LIMIT


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form (active accounts with a usable password only), writing each
    message in the language its recipient chose."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = context["user"].language or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def _link_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        return {"link_hours": _link_hours()}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if _over_limit(self.request, email):
            record(
                AccessEvent.Kind.PASSWORD_RESET_REQUESTED,
                self.request,
                detail=f"refused, too many requests: {email}",
            )
            form.add_error(
                None,
                _("Too many password reset requests. Wait %(minutes)s minutes and try again.")
                % {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        users = list(form.get_users(email))
        record(
            AccessEvent.Kind.PASSWORD_RESET_REQUESTED,
            self.request,
            user=users[0] if len(users) == 1 else None,
            username=users[0].get_username() if len(users) == 1 else "",
            detail=f"{'link sent' if users else 'no active account'}: {email}",
        )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "link_hours": _link_hours()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A link mailed before the account was deactivated must not bring it back.
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AccessEvent.Kind.PASSWORD_RESET, self.request, user=form.user)
        return response
