"""Retention and deletion of what we hold about vendors we no longer work with.

RETENTION_DAYS_AFTER_OFFBOARDING after a vendor is offboarded, its evidence files
(certificates, contracts, answer evidence) and PDF reports are deleted from storage.
A minimal record stays: the vendor profile, scores, findings and the file names with
their SHA-256, so the audit trail still says what existed and when it was removed.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import StoredFile, Vendor


@dataclass
class PurgePlan:
    vendor: Vendor
    files: list[StoredFile] = field(default_factory=list)
    reports: list = field(default_factory=list)


def vendors_due(now=None):
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS_AFTER_OFFBOARDING)
    return Vendor.objects.filter(
        status=Vendor.Status.OFFBOARDED, offboarded_at__lte=cutoff, purged_at__isnull=True
    ).order_by("pk")


# Apps above this one hold files of a vendor too (answer evidence, PDF reports). They
# register here from their ready(), so this module never imports them.
_file_sources: list = []  # vendor -> values queryset of StoredFile pks
_report_sources: list = []  # vendor -> iterable of objects with .file and .purge()


def register_file_source(source) -> None:
    if source not in _file_sources:
        _file_sources.append(source)


def register_report_source(source) -> None:
    if source not in _report_sources:
        _report_sources.append(source)


def plan_for(vendor) -> PurgePlan:
    owned = Q(certifications__vendor=vendor) | Q(contracts__vendor=vendor)
    for source in _file_sources:
        owned |= Q(pk__in=source(vendor))
    files = StoredFile.objects.filter(deleted_at__isnull=True).filter(owned).distinct()
    reports = [report for source in _report_sources for report in source(vendor)]
    return PurgePlan(vendor, list(files.order_by("pk")), reports)


def plans(now=None) -> list[PurgePlan]:
    return [plan_for(vendor) for vendor in vendors_due(now)]


@transaction.atomic
def purge(plan: PurgePlan) -> int:
    """Delete the plan's files from storage; keep names and hashes; audit the deletion."""
    now = timezone.now()
    deleted = 0
    for stored in plan.files:
        if default_storage.exists(stored.storage_name):
            default_storage.delete(stored.storage_name)
        stored.deleted_at = now
        stored.save(update_fields=["deleted_at"])
        deleted += 1
    for report in plan.reports:
        report.purge()
        deleted += 1
    vendor = plan.vendor
    vendor.purged_at = now
    vendor.save(update_fields=["purged_at", "updated_at"])
    LogEntry.objects.log_create(
        vendor,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"retention": ["kept", f"{deleted} files deleted after the retention period"]},
        additional_data={
            "vendor_id": vendor.pk,
            "retention_purge": [{"name": f.original_name, "sha256": f.sha256} for f in plan.files],
        },
    )
    return deleted


def purge_due(now=None) -> int:
    return sum(purge(plan) for plan in plans(now))
