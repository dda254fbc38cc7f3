from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vendors.forms import UploadField

from .models import Invitation


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class DelegateForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"))
    name = forms.CharField(label=_("Colleague's name"), max_length=100)
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.code, s.title) for s in sections]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = UploadField(label=_("File (optional)"), required=False)


class ProposalForm(forms.Form):
    plan = forms.CharField(
        label=_("Remediation plan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = UploadField(label=_("Evidence of the fix (optional)"), required=False)


class InvitationForm(forms.Form):
    """Staff's form on the assessment page: contacts or a new address, scope, dates."""

    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_name = forms.CharField(label=_("New contact's name"), required=False, max_length=100)
    new_email = forms.EmailField(label=_("New contact's e-mail address"), required=False)
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the whole questionnaire."),
    )
    kind = forms.ChoiceField(label=_("Invite to"), choices=Invitation.Kind.choices)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=365, initial=14
    )
    language = forms.ChoiceField(label=_("Language of the e-mail and portal"))
    message = forms.CharField(
        label=_("Personal message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = assessment.vendor.contacts.exclude(email="")
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} <{c.email}>"
        self.fields["sections"].choices = [
            (s.code, s.title) for s in assessment.version.sections.order_by("position")
        ]
        self.fields["days"].initial = settings.PORTAL_LINK_DAYS
        self.fields["language"].choices = settings.LANGUAGES
        if assessment.status == "approved":
            self.fields["kind"].initial = Invitation.Kind.REMEDIATION

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contacts") and not cleaned.get("new_email"):
            raise forms.ValidationError(_("Choose a contact or give a new e-mail address."))
        return cleaned


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = UploadField(label=_("File (optional)"), required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
