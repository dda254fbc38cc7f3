from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import User


class LoginForm(AuthenticationForm):
    def clean(self):
        from .sso import password_login_allowed

        username = self.cleaned_data.get("username")
        if username and not password_login_allowed(username):
            raise ValidationError(
                _("Password login is switched off: log in with your organisation."),
                code="password_login_off",
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login, which also brings back the language the user chose last time."""

    redirect_authenticated_user = True
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        from .sso import sso_enabled

        return super().get_context_data(
            sso_enabled=sso_enabled(), local_login_enabled=settings.LOCAL_LOGIN_ENABLED, **kwargs
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            )
        return response


@login_required
def profile(request):
    from .token_views import profile_context

    return render(request, "accounts/profile.html", profile_context(request.user))


@require_POST
def set_language(request):
    """Django's set_language, remembering the choice on the user for the next login."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language")
    known = language in dict(settings.LANGUAGES) and translation.check_for_language(language)
    if request.user.is_authenticated and known:
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
