from django import forms
from django.contrib.auth import get_user_model
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = get_user_model().objects.filter(
            groups__name=roles.MANAGER, is_active=True
        )
        self.fields["checklist"].queryset = published_checklists()


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
        widget=forms.Textarea(attrs={"rows": 3}),
    )
