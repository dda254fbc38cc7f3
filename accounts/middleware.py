from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .sso import logged_in_through_sso
from .twofactor import two_factor_required

OPEN_URL_NAMES = ("logout", "set_language", "healthz")


class TwoFactorMiddleware:
    """A user with a TOTP device must enter a code after the password before anything
    else; where the setting demands it, managers and admins must first set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        # TOTP is for password logins; the organisation's provider does its own second factor.
        if (
            user.is_authenticated
            and not request.path.startswith(("/static/", "/admin/jsi18n"))
            and not logged_in_through_sso(request)
        ):
            open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            verify, setup = reverse("accounts:otp_verify"), reverse("accounts:otp_setup")
            if request.path not in open_paths | {verify, setup}:
                if user_has_device(user, confirmed=True):
                    if not user.is_verified():
                        return redirect(f"{verify}?next={request.get_full_path()}")
                elif two_factor_required(user):
                    return redirect(setup)
        return self.get_response(request)
