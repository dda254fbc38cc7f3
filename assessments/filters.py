"""The findings list's filters (django-filter, as the API's): vendor (by name), owner, due date
(a range or overdue), severity and status. A vendor is found, and the owners offered,
among those the user may see."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import LocalDateField
from vendors.access import vendors_visible_to
from vendors.selectors import search

from .models import Finding

UNRESOLVED = (Finding.Status.OPEN, Finding.Status.PLANNED)


class LocalDateFilter(django_filters.DateFilter):
    field_class = LocalDateField


class FindingFilter(django_filters.FilterSet):
    # The vendor page links here with ?vendor=<pk>: kept as a hidden field. A list of every
    # vendor as options would grow with the registry (10,000 options), so the visible
    # filter is the vendor's name, found the way the vendor list's search finds it.
    vendor = django_filters.ModelChoiceFilter(
        label=_("Vendor"), queryset=None, widget=forms.HiddenInput
    )
    vendor_name = django_filters.CharFilter(
        label=_("Vendor"),
        method="filter_vendor_name",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Name, reading or corporate number")}),
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=None,
        empty_label=_("All owners"),
        null_label=_("No owner"),
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Finding.Severity.choices, empty_label=_("All severities")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("unresolved", _("Open or planned")), *Finding.Status.choices],
        empty_label=_("All statuses"),
        method="filter_status",
    )
    due_after = LocalDateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_before = LocalDateFilter(field_name="due_date", lookup_expr="lte", label=_("Due by"))
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Finding
        fields = []

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["vendor"].queryset = vendors_visible_to(user)  # checks ?vendor=<pk>
        self.filters["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__isnull=False)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )

    def get_form_class(self):
        base = super().get_form_class()

        class Form(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    widget = field.widget
                    if isinstance(widget, forms.CheckboxInput):
                        widget.attrs["class"] = "form-check-input"
                    elif isinstance(widget, forms.Select):
                        widget.attrs["class"] = "form-select"
                    else:
                        widget.attrs["class"] = "form-control"

        return Form

    def filter_vendor_name(self, queryset, name, value):
        if not value.strip():
            return queryset
        found = search(vendors_visible_to(self.user), value).values("pk")
        return queryset.filter(vendor__in=found)

    def filter_status(self, queryset, name, value):
        if value == "unresolved":
            return queryset.filter(status__in=UNRESOLVED)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(due_date__lt=timezone.localdate()) & Q(status__in=UNRESOLVED))
