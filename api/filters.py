"""Query filters of the list endpoints (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q

from assessments.models import Assessment, Finding
from reports.models import Report
from vendors.models import Vendor

MAX_ID = 2**62  # a bigger number is not an id of ours, and the database would refuse it


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class VendorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="name, kana, English name or number")
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True
    )
    category = django_filters.ChoiceFilter(choices=Vendor.Category.choices, method="in_category")

    class Meta:
        model = Vendor
        fields = ["status", "inherent_tier", "current_rating", "current_residual_risk"]

    # Plain ids, not choices among every row: a filter must not tell which ids exist.
    owner = IdFilter(field_name="owner_id")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_kana__icontains=value)
            | Q(name_en__icontains=value)
            | Q(corporate_number__startswith=value)
        )

    def in_category(self, queryset, name, value):
        return queryset.filter(categories__contains=f",{value},")


class AssessmentFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id")
    version = IdFilter(field_name="version_id")

    class Meta:
        model = Assessment
        fields = ["status"]


class FindingFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id")
    assessment = IdFilter(field_name="assessment_id")

    class Meta:
        model = Finding
        fields = ["severity", "status"]


class ReportFilter(django_filters.FilterSet):
    assessment = IdFilter(field_name="assessment_id")

    class Meta:
        model = Report
        fields = ["status", "language"]
