from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import roles

from .corporate_number import normalize_corporate_number
from .models import Certification, Contact, Contract, Tag, Vendor
from .risk import RESIDUAL_RISK_CHOICES
from .uploads import validate_upload

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VendorForm(forms.ModelForm):
    category_codes = forms.MultipleChoiceField(
        label=_("Service categories"),
        choices=Vendor.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    tag_names = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separate tags with commas.")
    )

    class Meta:
        model = Vendor
        fields = [
            "name",
            "name_kana",
            "name_en",
            "corporate_number",
            "engagement",
            "website",
            "address",
            "notes",
            "personal_data",
            "sensitive_data",
            "payment_cards",
            "my_number",
            "record_volume",
            "telework",
            "call_recording",
            "data_location",
            "data_location_detail",
            "confidential_on_vendor_it",
            "business_critical",
            "internal_system_access",
            "meti_declared_level",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People type "1-1803-0101-8771" or full-width digits: let the longer form
        # through to clean_corporate_number, which normalises it to 13 digits.
        number = self.fields["corporate_number"]
        number.max_length = 20
        number.widget.attrs["maxlength"] = "20"
        number.validators = [
            MaxLengthValidator(20) if isinstance(v, MaxLengthValidator) else v
            for v in number.validators
        ]
        self.fields["data_location"].required = False
        if self.instance.pk:
            self.initial.setdefault("category_codes", self.instance.category_list)
            self.initial.setdefault(
                "tag_names", ", ".join(t.name for t in self.instance.tags.all())
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Profile"),
                "name",
                "name_kana",
                "name_en",
                "corporate_number",
                "category_codes",
                "engagement",
                "website",
                "address",
                "tag_names",
                "notes",
            ),
            Fieldset(
                _("What the vendor will handle and reach"),
                "personal_data",
                "sensitive_data",
                "payment_cards",
                "my_number",
                "record_volume",
                "telework",
                "call_recording",
                "data_location",
                "data_location_detail",
            ),
            Fieldset(
                _("METI supply-chain security level (★3 or ★4)"),
                "confidential_on_vendor_it",
                "business_critical",
                "internal_system_access",
                "meti_declared_level",
            ),
        )

    def clean_corporate_number(self):
        value = normalize_corporate_number(self.cleaned_data.get("corporate_number", ""))
        if (
            value
            and Vendor.objects.exclude(pk=self.instance.pk).filter(corporate_number=value).exists()
        ):
            raise ValidationError(_("Another vendor already has this corporate number."))
        return value

    def clean_data_location(self):
        # Older clients (and the API) may not send it: "not known yet" rather than an error.
        return self.cleaned_data.get("data_location") or Vendor.DataLocation.UNKNOWN

    def clean_tag_names(self):
        names = [
            n.strip()[:50] for n in self.cleaned_data["tag_names"].replace("、", ",").split(",")
        ]
        return sorted({n for n in names if n})

    def save(self, commit=True):
        vendor = super().save(commit=False)
        vendor.set_categories(self.cleaned_data["category_codes"])
        if commit:
            vendor.save()
            self.save_tags(vendor)
        return vendor

    def save_tags(self, vendor):
        tags = [Tag.objects.get_or_create(name=name)[0] for name in self.cleaned_data["tag_names"]]
        vendor.tags.set(tags)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "department", "role", "email", "phone"]


ContactFormSet = forms.inlineformset_factory(
    Vendor, Contact, form=ContactForm, extra=1, can_delete=True, max_num=20
)


class UploadField(forms.FileField):
    """A file checked by content (PDF, PNG, JPEG) and size before anything is stored."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and upload is not initial:
            validate_upload(upload)
        return upload


class DatedPartForm(forms.ModelForm):
    """A form whose ``date_order = (start, end, message)`` must not run backwards."""

    date_order: tuple

    def clean(self):
        cleaned = super().clean()
        start_field, end_field, message = self.date_order
        start, end = cleaned.get(start_field), cleaned.get(end_field)
        if start and end and end < start:
            self.add_error(end_field, message)
        return cleaned


def upload_help_text():
    return format_lazy(
        _("PDF, PNG or JPEG, at most {size} MB."), size=settings.UPLOAD_MAX_BYTES // 2**20
    )


class CertificationForm(DatedPartForm):
    evidence_file = UploadField(
        label=_("Evidence file"), required=False, help_text=upload_help_text()
    )

    class Meta:
        model = Certification
        fields = [
            "kind",
            "edition",
            "registration_number",
            "certification_body",
            "scope",
            "valid_from",
            "valid_until",
            "last_surveillance_on",
            "renewal_applied_on",
        ]
        widgets = {
            "valid_from": DATE_INPUT,
            "valid_until": DATE_INPUT,
            "last_surveillance_on": DATE_INPUT,
            "renewal_applied_on": DATE_INPUT,
            "scope": forms.Textarea(attrs={"rows": 2}),
        }

    date_order = ("valid_from", "valid_until", _("The end of validity is before its start."))


class ContractForm(DatedPartForm):
    contract_file = UploadField(
        label=_("Contract file"), required=False, help_text=upload_help_text()
    )

    class Meta:
        model = Contract
        fields = ["kind", "title", "signed_on", "expires_on", "notes"]
        widgets = {
            "signed_on": DATE_INPUT,
            "expires_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    date_order = ("signed_on", "expires_on", _("The contract expires before it was signed."))


def procurement_staff():
    return get_user_model().objects.filter(groups__name=roles.PROCUREMENT, is_active=True)


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Vendor
        fields = ["owner", "assigned_staff"]
        widgets = {"assigned_staff": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = procurement_staff()
        self.fields["assigned_staff"].queryset = procurement_staff()
        self.fields["assigned_staff"].required = False


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Vendor.Status.choices)

    def __init__(self, vendor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status not in self.vendor.allowed_transitions():
            raise ValidationError(
                _("A vendor cannot move from “%(current)s” to “%(target)s”.")
                % {
                    "current": self.vendor.get_status_display(),
                    "target": Vendor.Status(status).label,
                }
            )
        return status


class VendorFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Vendor.Status.choices]
    )
    tier = forms.ChoiceField(
        label=_("Tier"),
        required=False,
        choices=[("", _("All tiers")), ("1", _("Tier 1")), ("2", _("Tier 2")), ("3", _("Tier 3"))],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Vendor.Category.choices],
    )
    cert = forms.ChoiceField(
        label=_("Certifications"),
        required=False,
        choices=[
            ("", _("Any certification state")),
            ("expiring", _("Expiring within 90 days")),
            ("expired", _("Expired")),
        ],
    )
    risk = forms.ChoiceField(
        label=_("Residual risk"),
        required=False,
        choices=[
            ("", _("Any residual risk")),
            *RESIDUAL_RISK_CHOICES,
            ("none", _("Not assessed")),
        ],
    )
    rating = forms.ChoiceField(
        label=_("Rating"),
        required=False,
        choices=[("", _("Any rating")), *[(r, r) for r in "ABCDE"], ("none", _("Not rated"))],
    )
    reassessment = forms.ChoiceField(
        label=_("Reassessment"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Reassessment overdue"))],
    )
    meti = forms.ChoiceField(
        label=_("METI level"),
        required=False,
        choices=[("", _("Any")), ("below", _("Below the required level"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name (kana)")),
            ("-name", _("Name, reversed")),
            ("tier", _("Tier, highest first")),
            ("-tier", _("Tier, lowest first")),
            ("status", _("Status")),
            ("updated", _("Recently updated")),
        ],
    )
    archived = forms.BooleanField(label=_("Show archived"), required=False)
