"""Invitation lists for other apps' pages (assessment, vendor, finding), so their views
need not know about the portal."""

from django import template
from django.utils import timezone

from ..models import Invitation, RemediationProposal

register = template.Library()


@register.simple_tag
def assessment_invitations(assessment):
    """Every invitation of an assessment the page already showed to the user."""
    invitations = list(
        Invitation.objects.filter(assessment=assessment)
        .select_related("contact", "parent__contact", "created_by")
        .order_by("-created_at", "-pk")
    )
    titles = {s.code: s.title for s in assessment.version.sections.all()}
    for invitation in invitations:
        invitation.section_titles = [titles.get(c, c) for c in invitation.sections]
    return invitations


@register.simple_tag
def vendor_open_invitations(vendor):
    """Invitations of a vendor the page already showed, still open (not revoked or expired)."""
    return list(
        Invitation.objects.filter(
            assessment__vendor=vendor, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("contact", "assessment")
        .order_by("expires_at", "pk")
    )


@register.simple_tag
def finding_proposals(finding):
    return list(
        RemediationProposal.objects.filter(finding=finding)
        .select_related("contact", "decided_by")
        .prefetch_related("evidence")
    )
