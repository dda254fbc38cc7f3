from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts import roles

from .models import Assessment


class StartAssessmentForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = get_user_model().objects.filter(
            groups__name=roles.MANAGER, is_active=True
        )


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

    def clean(self):
        data = super().clean()
        conditional = data.get("conclusion") == Assessment.Conclusion.ADOPT_WITH_CONDITIONS
        if conditional and not data.get("conditions", "").strip():
            self.add_error(
                "conditions", _("Write the conditions under which the vendor may be adopted.")
            )
        return data
