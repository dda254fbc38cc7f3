"""The figures of the home page, each counted over what the user may see, in a
fixed number of grouped queries whatever the size of the registry."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from questionnaires.access import assessments_visible_to, findings_visible_to
from questionnaires.models import Assessment, Finding
from vendors.access import vendors_visible_to
from vendors.models import Certification, Vendor

RISK_LEVELS = ("critical", "high", "medium", "low", "")
RATINGS = ("A", "B", "C", "D", "E", "")


def dashboard_figures(user):
    today = timezone.localdate()
    vendors = vendors_visible_to(user).filter(archived_at__isnull=True)

    # One pass over the vendors gives both the risk counts and the heat map.
    cells = {}
    by_risk = {}
    for risk, tier, rating, n in (
        vendors.values_list("current_residual_risk", "inherent_tier", "current_rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        cells[(tier, rating)] = cells.get((tier, rating), 0) + n
        by_risk[risk] = by_risk.get(risk, 0) + n
    heat_map = [
        (tier, [(rating or "none", cells.get((tier, rating), 0)) for rating in RATINGS])
        for tier in (1, 2, 3)
    ]

    open_assessments = assessments_visible_to(user).exclude(status=Assessment.Status.APPROVED)
    assessments = open_assessments.aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=today + timedelta(30))),
        # Submitted and nobody has begun the review: what the list's status filter shows.
        submitted=Count("pk", filter=Q(status=Assessment.Status.SUBMITTED)),
    )
    assessments["reassessment_overdue"] = vendors.filter(next_reassessment_on__lt=today).count()

    # Two range counts, each served by the (valid_until, vendor) index.
    # Archived vendors are few: leaving them out this way needs no scan of all vendors.
    archived = Vendor.objects.filter(archived_at__isnull=False).values("pk")
    certs_of_visible = Certification.objects.exclude(vendor__in=archived)
    if not user.has_perm("accounts.view_all_vendors"):
        certs_of_visible = certs_of_visible.filter(vendor__in=vendors.values("pk"))
    certs = {
        "expired": certs_of_visible.filter(valid_until__lt=today)
        .values("vendor_id")
        .distinct()
        .count(),
        "expiring": certs_of_visible.filter(
            valid_until__gte=today, valid_until__lte=today + timedelta(days=90)
        )
        .values("vendor_id")
        .distinct()
        .count(),
    }
    unresolved = [Finding.Status.OPEN, Finding.Status.PLANNED]
    findings = (
        findings_visible_to(user)
        .filter(status__in=unresolved)
        .aggregate(
            critical=Count("pk", filter=Q(severity=Finding.Severity.CRITICAL)),
            high=Count("pk", filter=Q(severity=Finding.Severity.HIGH)),
        )
    )
    return {
        "by_risk": [(level or "none", by_risk.get(level, 0)) for level in RISK_LEVELS],
        "vendor_total": sum(by_risk.values()),
        "heat_map": heat_map,
        "ratings": [r or "none" for r in RATINGS],
        "assessments": assessments,
        "certs": certs,
        "findings": findings,
    }
