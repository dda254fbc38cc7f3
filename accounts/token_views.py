"""The API tokens section of the profile page: create (shown once) and revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import confirm

from .models import ApiToken
from .tokens import MAX_DAYS, issue_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices, initial="read"
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        initial=90,
        help_text=gettext_lazy("Leave empty for a token without end date."),
    )


def profile_context(user, *, form=None, new_token=None) -> dict:
    from django_otp import user_has_device

    return {
        "has_two_factor": user_has_device(user, confirmed=True),
        "tokens": user.api_tokens.all(),
        "token_form": form or TokenForm(),
        "new_token": new_token,
    }


@never_cache
@require_POST
@login_required
def token_create(request):
    form = TokenForm(request.POST)
    new_token = None
    if form.is_valid():
        try:
            token, new_token = issue_token(
                request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = None
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
    status = 200 if form is None else 422
    return render(
        request,
        "accounts/profile.html",
        profile_context(request.user, form=form, new_token=new_token),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if not confirm.is_confirmed(request):
        return confirm.confirmation_page(
            request,
            title=_("Revoke the API token"),
            question=_(
                "Revoke the token “%(name)s”? Systems that use it are refused from now on; "
                "this cannot be undone."
            )
            % {"name": token.name},
            action_url=request.path,
            confirm_label=_("Revoke"),
            cancel_url=reverse("accounts:profile"),
        )
    revoke_token(token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:profile")
