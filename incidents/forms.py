from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.forms import UploadField, upload_help_text

from .models import Incident, IncidentPolicy, IncidentStep
from .services import CONTACT_FIELDS, STAFF_FIELDS

DATETIME = {"type": "datetime-local"}


def _datetime_widget():
    return forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")


class IncidentFormMixin:
    def clean(self):
        cleaned = super().clean()
        occurred, vendor_aware = cleaned.get("occurred_at"), cleaned.get("vendor_aware_at")
        if occurred and vendor_aware and vendor_aware < occurred:
            self.add_error(
                "vendor_aware_at", _("The vendor cannot have learnt of it before it happened.")
            )
        aware = cleaned.get("aware_at")
        if occurred and aware and aware < occurred:
            self.add_error("aware_at", _("We cannot have learnt of it before it happened."))
        return cleaned


class IncidentForm(IncidentFormMixin, forms.ModelForm):
    """Staff's form: the facts, our awareness and the PPC form's items."""

    class Meta:
        model = Incident
        fields = [f for f in STAFF_FIELDS if f not in ("assessment", "contract")] + [
            "assessment",
            "contract",
        ]
        widgets = {
            "occurred_at": _datetime_widget(),
            "vendor_aware_at": _datetime_widget(),
            "aware_at": _datetime_widget(),
        }

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = vendor.assessments.all()
        self.fields["contract"].queryset = vendor.contracts.all()


class ContactIncidentForm(IncidentFormMixin, forms.ModelForm):
    """The vendor contact's form in the portal: what happened and the facts."""

    class Meta:
        model = Incident
        fields = list(CONTACT_FIELDS)
        widgets = {"occurred_at": _datetime_widget(), "vendor_aware_at": _datetime_widget()}


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"))
    happened_at = forms.DateTimeField(
        label=_("When"), required=False, widget=_datetime_widget(), help_text=_("Empty: now.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = UploadField(label=_("File"), required=False, help_text=upload_help_text())

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = kinds or [k for k in IncidentStep.Kind if k != IncidentStep.Kind.CLOSED]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = IncidentPolicy
        fields = ["quick_report_days", "notice_days", "reassessment_days"]
