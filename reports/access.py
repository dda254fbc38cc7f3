"""Reports follow their assessment's access rules (questionnaires.access)."""

from django.db.models import QuerySet
from django.http import Http404

from duediligence.errors import ObjectNotVisible
from questionnaires.access import assessments_visible_to

from .models import Report


def reports_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Report.objects.all() if queryset is None else queryset
    return queryset.filter(assessment__in=assessments_visible_to(user).values("pk"))


def get_report_for_user(user, pk) -> Report:
    """404 when the user may not see the report's assessment."""
    try:
        return (
            reports_visible_to(user).select_related("assessment__vendor", "requested_by").get(pk=pk)
        )
    except Report.DoesNotExist:
        if Report.objects.filter(pk=pk).exists():
            raise ObjectNotVisible from None
        raise Http404 from None
    except (ValueError, TypeError):
        raise Http404 from None
