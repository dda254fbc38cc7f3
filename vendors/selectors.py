"""Reads of vendors with what their pages need, in a fixed number of queries."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.db import connections
from django.db.models import IntegerField, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .access import vendors_visible_to
from .models import Certification, Contract, Vendor
from .normalize import normalize
from .search_index import key_filter

SORTS = {
    "name": ("name_kana", "name", "id"),
    "-name": ("-name_kana", "-name", "-id"),
    "tier": ("inherent_tier", "name_kana", "id"),
    "-tier": ("-inherent_tier", "name_kana", "id"),
    "status": ("status", "name_kana", "id"),
    "updated": ("-updated_at", "id"),
}


def vendor_list(
    user,
    *,
    q="",
    status="",
    tier="",
    category="",
    cert="",
    risk="",
    rating="",
    reassessment="",
    meti="",
    sort="name",
    archived=False,
):
    today = timezone.localdate()
    vendors = vendors_visible_to(user).select_related("owner")
    vendors = vendors.filter(archived_at__isnull=not archived)
    if risk == "none":
        vendors = vendors.filter(current_residual_risk="")
    elif risk in ("low", "medium", "high", "critical"):
        vendors = vendors.filter(current_residual_risk=risk)
    if rating in ("A", "B", "C", "D", "E"):
        vendors = vendors.filter(current_rating=rating)
    elif rating == "none":
        vendors = vendors.filter(current_rating="")
    if reassessment == "overdue":
        vendors = vendors.filter(next_reassessment_on__lt=today)
    if meti == "below":
        vendors = vendors.filter(meti_below_required=True)
    if q:
        vendors = search(vendors, q)
    if status in Vendor.Status.values:
        vendors = vendors.filter(status=status)
    if tier in ("1", "2", "3"):
        vendors = vendors.filter(inherent_tier=int(tier))
    if category in Vendor.Category.values:
        vendors = vendors.filter(categories__contains=f",{category},")
    if cert == "expired":
        # A Privacy Mark renewed in time is still valid while the renewal is reviewed.
        vendors = vendors.filter(
            certifications__valid_until__lt=today, certifications__renewal_in_time=False
        ).distinct()
    elif cert == "expiring":
        vendors = vendors.filter(
            certifications__valid_until__gte=today,
            certifications__valid_until__lte=today + timedelta(days=90),
        ).distinct()
    return vendors.order_by(*SORTS.get(sort, SORTS["name"])).prefetch_related(
        Prefetch("certifications", queryset=Certification.objects.order_by("kind", "valid_until"))
    )


def search(vendors, q: str):
    """Vendors whose names, reading, corporate number or contacts match ``q`` however it
    is typed (normalize.py): half-width or hiragana, with or without 株式会社, hyphens or
    spaces. A query that is only a legal form (株式会社) looks for the words themselves."""
    key = normalize(q)
    if not key:
        return vendors.filter(name__contains=q.strip())
    return key_filter(vendors, key)


def vendor_detail(user, pk):
    from .access import get_vendor_for_user

    # Assessments live in an app above this one: reach them through the reverse relation.
    assessments = Vendor.assessments.rel.related_model.objects
    queryset = Vendor.objects.select_related("owner").prefetch_related(
        "assigned_staff",
        "tags",
        "contacts",
        Prefetch(
            "assessments",
            queryset=assessments.select_related("version").order_by("-created_at"),
        ),
        Prefetch("certifications", queryset=Certification.objects.select_related("evidence")),
        Prefetch("contracts", queryset=Contract.objects.select_related("file")),
    )
    return get_vendor_for_user(user, pk, queryset=queryset)


# An entry's vendor as SQLite's history index has it (vendors/migrations/0011). Django's
# JSON key lookup binds the path as a parameter, which no expression index can match.
_SQLITE_VENDOR_ID = RawSQL(
    """json_extract("auditlog_logentry"."additional_data", '$.vendor_id')""",
    (),
    output_field=IntegerField(),
)


def vendor_history(vendor):
    """Audit entries of the vendor and everything that belongs to it, newest first; an
    expression index answers it on PostgreSQL (0010) and SQLite (0011)."""
    entries = LogEntry.objects.all()
    if connections[entries.db].vendor == "sqlite":
        entries = entries.alias(vendor_id=_SQLITE_VENDOR_ID).filter(vendor_id=vendor.pk)
    else:
        entries = entries.filter(Q(additional_data__vendor_id=vendor.pk))
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")
