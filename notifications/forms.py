from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import Channel, Delivery


class PreferencesForm(forms.Form):
    """One choice per kind; a kind that cannot be turned off offers no "off"."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in registry.user_kinds():
            choices = [c for c in Channel.choices if kind.can_disable or c[0] != Channel.OFF]
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                initial=current.get(kind.code, kind.default_channel),
                help_text="" if kind.can_disable else _("This one cannot be turned off."),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )


class NotificationFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    unread = forms.BooleanField(label=_("Unread only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (k.code, k.label) for k in registry.user_kinds()
        ]


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(Delivery.Status.choices)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (k.code, k.label) for k in registry.kinds()
        ]
