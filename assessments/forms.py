from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts import roles
from questionnaires.checklists import published_checklists

from .models import Assessment


class StartAssessmentForm(forms.Form):
    checklist = forms.ModelChoiceField(
        label=_("Checklist"),
        queryset=published_checklists(),
        required=False,
        empty_label=None,
        help_text=_("The default checklist unless you choose another published one."),
    )
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("The manager who will review and approve."),
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    carry_over = forms.BooleanField(
        label=_("Carry over the answers of the last approved assessment"),
        required=False,
        initial=True,
        help_text=_("Carried-over answers stay marked until someone confirms or changes each."),
    )

    def __init__(self, *args, previous=None, **kwargs):
        """``previous``: the vendor's last approved assessment, whose answers could be
        carried over; without one there is nothing to carry and the box stays unticked."""
        super().__init__(*args, **kwargs)
        managers = get_user_model().objects.filter(groups__name=roles.MANAGER, is_active=True)
        self.fields["reviewer"].queryset = managers
        self.fields["checklist"].queryset = published_checklists()
        only = list(managers.order_by("pk")[:2])
        if len(only) == 1:  # the one manager there is reviews; nobody has to pick them
            self.fields["reviewer"].initial = only[0].pk
        carry = self.fields["carry_over"]
        if previous is None:
            carry.initial = False
            carry.disabled = True
            carry.help_text = _("This vendor has no approved assessment to carry over.")
        else:
            carry.help_text = _(
                "The answers of the assessment approved on %(date)s. Carried-over answers "
                "stay marked until someone confirms or changes each."
            ) % {
                "date": date_format(
                    timezone.localtime(previous.approved_at or previous.updated_at), "DATE_FORMAT"
                )
            }


class AssessmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Vendor"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Assessment.Status.choices],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due within 30 days"))],
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ApprovalForm(ReviewForm):
    """Approving: the conclusion the report's first page prints, with its conditions."""

    field_order = ["conclusion", "conditions", "comment"]

    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=Assessment.Conclusion.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose a conclusion: adopt, adopt with conditions or not.")},
    )
    conditions = forms.CharField(
        label=_("Conditions of adoption"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Only with “Adopt with conditions”: what the vendor must do, and by when."),
    )

    vendor_status = forms.ChoiceField(
        label=_("The vendor after approval"),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("Move the vendor on in its life cycle as this approval decides."),
    )

    def __init__(self, *args, vendor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor
        field = self.fields["vendor_status"]
        if vendor is None or not vendor.statuses_after_approval():
            del self.fields["vendor_status"]
            return
        labels = dict(vendor.Status.choices)
        field.choices = [
            ("", _("Leave it “%(status)s”") % {"status": vendor.get_status_display()}),
            *(
                (s, _("Make it “%(status)s”") % {"status": labels[s]})
                for s in vendor.statuses_after_approval()
            ),
        ]
        field.initial = vendor.statuses_after_approval()[0]

    def clean(self):
        data = super().clean()
        status = data.get("vendor_status") or ""
        moves_on = (
            status in (self.vendor.Status.APPROVED, self.vendor.Status.ACTIVE)
            if self.vendor
            else False
        )
        if moves_on and data.get("conclusion") == Assessment.Conclusion.DO_NOT_ADOPT:
            self.add_error(
                "vendor_status",
                _("A vendor that is not to be adopted cannot become “%(status)s”.")
                % {"status": self.vendor.Status(status).label},
            )
        if status == "rejected" and data.get("conclusion") in (
            Assessment.Conclusion.ADOPT,
            Assessment.Conclusion.ADOPT_WITH_CONDITIONS,
        ):
            self.add_error("vendor_status", _("A vendor to be adopted cannot be marked rejected."))
        conditional = data.get("conclusion") == Assessment.Conclusion.ADOPT_WITH_CONDITIONS
        if conditional and not data.get("conditions", "").strip():
            self.add_error(
                "conditions", _("Write the conditions under which the vendor may be adopted.")
            )
        return data
