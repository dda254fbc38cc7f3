"""Assessments follow their vendor's access rules (vendors.access)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from duediligence.errors import ObjectNotVisible
from vendors.access import sees_all_vendors, vendors_visible_to

from .models import Assessment


def assessments_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Assessment.objects.all() if queryset is None else queryset
    if sees_all_vendors(user):
        return queryset  # no subquery over every vendor
    return queryset.filter(vendor__in=vendors_visible_to(user).values("pk"))


def can_answer(user, assessment: Assessment) -> bool:
    return user.has_perm("accounts.answer_assessments") and not assessment.is_locked


def get_assessment_for_user(user, pk, *, write: bool = False, queryset: QuerySet | None = None):
    """404 when the user may not see the assessment, 403 when they may see but not answer."""
    try:
        assessment = assessments_visible_to(user, queryset).select_related("vendor").get(pk=pk)
    except Assessment.DoesNotExist:
        if Assessment.objects.filter(pk=pk).exists():
            raise ObjectNotVisible from None
        raise Http404 from None
    except (ValueError, TypeError):
        raise Http404 from None
    if write and not can_answer(user, assessment):
        raise PermissionDenied
    return assessment


def findings_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Finding

    queryset = Finding.objects.all() if queryset is None else queryset
    if sees_all_vendors(user):
        return queryset
    return queryset.filter(vendor__in=vendors_visible_to(user).values("pk"))


def can_update_finding(user, finding) -> bool:
    """Staff of the vendor and managers work on findings; admins keep out of it."""
    return user.has_perm("accounts.answer_assessments") or user.has_perm(
        "accounts.review_assessments"
    )


def can_accept_risk(user) -> bool:
    return user.has_perm("accounts.review_assessments")
