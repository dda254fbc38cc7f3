"""Forms of the user management pages (admins only)."""

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import User


class UserForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
    )
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=list(roles.ROLE_LABELS.items()))
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As the browser asks")), *settings.LANGUAGES],
    )
    send_link = forms.BooleanField(
        label=_("E-mail a link to choose a password"), required=False, initial=True
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": instance.username,
                    "last_name": instance.last_name,
                    "first_name": instance.first_name,
                    "email": instance.email,
                    "role": instance.role,
                    "language": instance.language,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            # The user name is how the person logs in and how the log names them.
            self.fields["username"].disabled = True
            del self.fields["send_link"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if self.instance is None and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with this user name already exists."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("send_link") and not data.get("email"):
            self.add_error("email", _("Enter an e-mail address to send the link to."))
        return data


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *roles.ROLE_LABELS.items(), ("none", _("No role"))],
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active accounts")), ("inactive", _("Deactivated")), ("all", _("All"))],
    )
