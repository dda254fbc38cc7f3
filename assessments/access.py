"""Assessments follow their vendor's access rules (vendors.access)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.access import visible_or_404
from vendors.access import sees_all_vendors, vendors_visible_to

from .models import Assessment, Finding


def assessments_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Assessment.objects.all() if queryset is None else queryset
    if sees_all_vendors(user):
        return queryset  # no subquery over every vendor
    return queryset.filter(vendor__in=vendors_visible_to(user).values("pk"))


def can_answer(user, assessment: Assessment) -> bool:
    return user.has_perm("accounts.answer_assessments") and not assessment.is_locked


def get_assessment_for_user(user, pk, *, write: bool = False, queryset: QuerySet | None = None):
    """404 when the user may not see the assessment, 403 when they may see but not answer."""
    assessment = visible_or_404(assessments_visible_to(user, queryset).select_related("vendor"), pk)
    if write and not can_answer(user, assessment):
        raise PermissionDenied
    return assessment


def findings_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
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


def get_finding_for_user(user, pk, *, write: bool = False, queryset: QuerySet | None = None):
    """404 when the user may not see the finding's vendor (logged as a refused access),
    403 when they may see it but not work on it."""
    finding = visible_or_404(findings_visible_to(user, queryset), pk)
    if write and not can_update_finding(user, finding):
        raise PermissionDenied
    return finding
