"""Reminder benchmarks (issue 15): one ``send_reminders --dry-run`` over 100 and over
10,000 vendors, each with two certificates and a finding whose dates are spread over
the years ahead, so that what is due grows with the registry.

    reminders_100_vendors_s          the dry run over 100 vendors (median of 3)
    reminders_10000_vendors_s        the same over 10,000
    reminders_ratio_10000_vs_100     their ratio (target: at most 20 for 100x the data)
    reminders_queries_100 / _10000   queries of one dry run: the same at both sizes
    reminders_due_100 / _10000       messages the dry run lists

Registered in benchmarks.__main__ as ``reminders``; alone:
``BENCH_ONLY=reminders python -m benchmarks``.
"""

import statistics
import time
from datetime import timedelta
from io import StringIO

RUNS = 3


def _grow(users, total: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from assessments.models import Assessment, Finding
    from questionnaires.checklists import current_version, install_default_checklist
    from vendors.demo import add_synthetic_vendors
    from vendors.models import Certification, Vendor

    version = current_version() or install_default_checklist(users["admin"])
    item = version.items.order_by("pk").first()
    before = set(Vendor.objects.values_list("pk", flat=True))
    add_synthetic_vendors(max(total - len(before), 0), users)
    today = timezone.localdate()
    new = list(Vendor.objects.exclude(pk__in=before).values_list("pk", "owner_id"))
    certs = []
    for pk, _owner in new:
        # Expiries spread over three years (a few already past); renewals come on time.
        certs.append(
            Certification(
                vendor_id=pk, kind="pmark", valid_until=today + timedelta(days=pk * 37 % 1100 - 5)
            )
        )
        certs.append(
            Certification(
                vendor_id=pk,
                kind="iso27001",
                valid_until=today + timedelta(days=pk * 53 % 1100 + 91),
            )
        )
    Certification.objects.bulk_create(certs, batch_size=2000)
    assessments = Assessment.objects.bulk_create(
        [Assessment(vendor_id=pk, version=version, status="submitted") for pk, _o in new],
        batch_size=2000,
    )
    Finding.objects.bulk_create(
        [
            Finding(
                assessment=a,
                vendor_id=a.vendor_id,
                item=item,
                severity="high",
                value=0,
                owner_id=owner,
                due_date=today + timedelta(days=a.vendor_id * 29 % 730 - 3),
            )
            for a, (_pk, owner) in zip(assessments, new, strict=True)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _dry_run() -> tuple[float, int, int]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(RUNS):
        out = StringIO()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call_command("send_reminders", "--dry-run", stdout=out)
            times.append(time.perf_counter() - start)
    listed = out.getvalue().count("\n") - 1
    return statistics.median(times), len(queries), listed


def _clean_up(vendor_ids) -> None:
    """Leave the registry as it was: the benchmarks after this one count from it."""
    from assessments.models import Assessment, Finding
    from vendors.models import Vendor

    Finding.objects.filter(vendor_id__in=vendor_ids).delete()
    Assessment.objects.filter(vendor_id__in=vendor_ids).delete()
    Vendor.objects.filter(pk__in=vendor_ids).delete()


def reminders(users) -> None:
    from vendors.models import Vendor

    before = set(Vendor.objects.values_list("pk", flat=True))
    results = {}
    try:
        for size in (100, 10_000):
            _grow(users, size)
            results[size] = _dry_run()
    finally:
        _clean_up(list(Vendor.objects.exclude(pk__in=before).values_list("pk", flat=True)))
    for size, (seconds, queries, listed) in results.items():
        print(f"reminders_{size}_vendors_s: {seconds:.3f}")
        print(f"reminders_queries_{size}: {queries}")
        print(f"reminders_due_{size}: {listed}")
    print(f"reminders_ratio_10000_vs_100: {results[10_000][0] / results[100][0]:.2f}")
