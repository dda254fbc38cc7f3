"""The figures of the home page, each counted over what the user may see, in a
fixed number of grouped queries whatever the size of the registry.

Counting grows with the registry, so the figures are cached per visibility scope
(one entry for every role that sees all vendors, one per procurement user) and per
day. Any write to a vendor, its assignments, certificates, assessments or findings
replaces the cache generation, so no figure is ever older than the last committed
change: the generation is replaced when the change is made and again when it commits,
so a figure counted by another request before the commit is never served after it.
Bulk writes that send no signals (``bulk_create``, ``update``) call
``invalidate_dashboard`` themselves. ``DASHBOARD_CACHE_SECONDS = 0`` turns the cache off.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from assessments.access import assessments_visible_to, findings_visible_to
from assessments.models import Assessment, Finding
from core import batch
from incidents.models import DEADLINE_LABELS, Incident, IncidentStep
from incidents.presenters import raised_risk
from vendors.access import sees_all_vendors, vendors_visible_to
from vendors.certificates import ISO27001_2013_LAPSED_AFTER, OLD_EDITIONS
from vendors.models import Certification, Vendor

RISK_LEVELS = ("critical", "high", "medium", "low", "")
RATINGS = ("A", "B", "C", "D", "E", "")


GENERATION_KEY = "dashboard:generation"
logger = logging.getLogger(__name__)


def _cache(operation, *args, **kwargs):
    """A cache call that cannot take the page or a write down with it: the cache only
    saves time. When it is unreachable the figures are counted afresh, and a lost
    invalidation lasts at most DASHBOARD_CACHE_SECONDS."""
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except Exception:  # redis.ConnectionError, TimeoutError, OSError of the file cache...
        logger.warning("dashboard cache unavailable (%s)", operation, exc_info=True)
        return None


def _new_generation() -> None:
    # A fresh random token, not a counter: two writers can never set the same value,
    # so no change can be lost between a read and a write of the generation.
    _cache("set", GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_dashboard() -> None:
    """Every cached dashboard is stale: now, and again once the transaction commits."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _generation() -> str | None:
    generation = _cache("get", GENERATION_KEY)
    if generation is None:
        _cache("add", GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = _cache("get", GENERATION_KEY)
    return generation


def dashboard_figures(user):
    """The figures for this user, from the cache when nothing has changed since."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    today = timezone.localdate()
    generation = _generation() if seconds else None
    if generation is None:  # cache turned off or unreachable
        return count_dashboard_figures(user, today)
    # Visibility is all-or-own (vendors.access): one scope for everyone who sees all.
    scope = "all" if sees_all_vendors(user) else f"user:{user.pk}"
    key = f"dashboard:figures:{generation}:{today.isoformat()}:{scope}"
    figures = _cache("get", key)
    if figures is None:
        figures = count_dashboard_figures(user, today)
        _cache("set", key, figures, timeout=seconds)
    return figures


def count_dashboard_figures(user, today):
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
    meti_below_required = vendors.filter(meti_below_required=True).count()

    # One range scan of the (valid_until, vendor) index up to 90 days ahead answers both.
    # Archived vendors are few: leaving them out this way needs no scan of all vendors.
    archived = Vendor.objects.filter(archived_at__isnull=False).values("pk")
    certs_of_visible = Certification.objects.exclude(vendor__in=archived)
    if not sees_all_vendors(user):
        certs_of_visible = certs_of_visible.filter(vendor__in=vendors.values("pk"))
    # A Privacy Mark renewed in time stays valid while the renewal is reviewed;
    # an ISO/IEC 27001:2013 certificate is void after the transition, whatever its date.
    lapsed = Q(valid_until__lt=today, renewal_in_time=False)
    window = Q(valid_until__lte=today + timedelta(days=90))
    if today > ISO27001_2013_LAPSED_AFTER:
        lapsed |= Q(edition__in=OLD_EDITIONS)
        window |= Q(edition__in=OLD_EDITIONS)
    certs = certs_of_visible.filter(window).aggregate(
        expired=Count("vendor_id", distinct=True, filter=lapsed),
        expiring=Count("vendor_id", distinct=True, filter=~lapsed & Q(valid_until__gte=today)),
    )
    unresolved = [Finding.Status.OPEN, Finding.Status.PLANNED]
    findings = (
        findings_visible_to(user)
        .filter(status__in=unresolved)
        .aggregate(
            critical=Count("pk", filter=Q(severity=Finding.Severity.CRITICAL)),
            high=Count("pk", filter=Q(severity=Finding.Severity.HIGH)),
        )
    )
    incidents = incident_figures(user, vendors, today)
    # An open reportable incident raises its vendor's displayed residual risk a level.
    for level, n in incidents.pop("raised"):
        by_risk[level] = by_risk.get(level, 0) - n
        by_risk[raised_risk(level)] = by_risk.get(raised_risk(level), 0) + n
    return {
        "incidents": incidents,
        "by_risk": [(level or "none", by_risk.get(level, 0)) for level in RISK_LEVELS],
        "vendor_total": sum(by_risk.values()),
        "heat_map": heat_map,
        "ratings": [r or "none" for r in RATINGS],
        "assessments": assessments,
        "certs": certs,
        "findings": findings,
        "meti_below_required": meti_below_required,
    }


COUNTDOWNS = 10
INCIDENT_DEADLINES = (
    ("quick_report", "quick_report_due_on", "quick_report_sent_on"),
    ("notice", "notice_due_on", "notice_sent_on"),
    ("final_report", "final_report_due_on", "final_report_sent_on"),
)


def incident_figures(user, vendors, today) -> dict:
    """Open reportable incidents: how many, how many missed a deadline, the nearest
    deadlines with their countdowns, and the vendors whose displayed risk they raise.
    A fixed number of queries, each on an index of the due dates."""
    live = Incident.objects.filter(reportable=True, vendor__archived_at__isnull=True).exclude(
        status=Incident.Status.CLOSED
    )
    if not sees_all_vendors(user):
        live = live.filter(vendor__in=vendors.values("pk"))
    missed = Q()
    for _code, due, done in INCIDENT_DEADLINES:
        missed |= Q(**{f"{due}__lt": today, f"{done}__isnull": True})
    counts = live.aggregate(
        open=Count("pk"),
        missed=Count("pk", filter=missed),
        unreviewed=Count("pk", filter=Q(status=Incident.Status.REPORTED)),
    )
    upcoming = []
    for code, due, done in INCIDENT_DEADLINES:
        rows = (
            live.filter(**{f"{done}__isnull": True, f"{due}__isnull": False})
            .order_by(due, "pk")
            .values_list("pk", "title", "vendor__name", due)[:COUNTDOWNS]
        )
        for pk, title, vendor_name, day in rows:
            upcoming.append(
                {
                    "pk": pk,
                    "title": title,
                    "vendor": vendor_name,
                    "deadline": code,
                    "label": str(DEADLINE_LABELS[code]),
                    "due": day,
                    "days_left": (day - today).days,
                    "days_overdue": max(0, (today - day).days),
                }
            )
    upcoming.sort(key=lambda row: (row["due"], row["pk"]))
    raised = list(
        live.values_list("vendor__current_residual_risk")
        .annotate(n=Count("vendor_id", distinct=True))
        .order_by()
    )
    return {**counts, "countdowns": upcoming[:COUNTDOWNS], "raised": raised}


def _on_change(sender, **kwargs) -> None:
    # A bulk import saves thousands of rows: it invalidates once, when it is done.
    batch.once("dashboard", invalidate_dashboard)


def connect_invalidation() -> None:
    """Called once from the dashboard app's ready(): the models the figures count."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in (Vendor, Certification, Assessment, Finding, Incident, IncidentStep):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"dashboard-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _on_change, sender=Vendor.assigned_staff.through, dispatch_uid="dashboard-assignments"
    )
