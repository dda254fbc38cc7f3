"""Scoring and dashboard benchmarks (issue 5)."""

import random
import time

from django.db import connection


def score_throughput(users) -> None:
    """score_assessments_per_s: the pure function over 1,000 assessments × 60 items."""
    from assessments import scoring

    rng = random.Random(5)
    sections = [scoring.SectionSpec(f"S{n}", weight=rng.choice([1, 2, 3])) for n in range(10)]
    items = []
    for n in range(60):
        kind = ("yes_no", "yes_no", "single_choice", "number")[n % 4]
        items.append(
            scoring.ItemSpec(
                code=f"S{n % 10}-{n:02d}",
                section=f"S{n % 10}",
                answer_type=kind,
                weight=rng.choice([1, 2, 3, 5]),
                critical=n % 17 == 0,
                allow_na=n % 5 == 0,
                choices=(("a", 1.0), ("b", 0.5), ("c", 0.0)) if kind == "single_choice" else (),
                thresholds=scoring.Thresholds(24, 72) if kind == "number" else None,
            )
        )
    values = {
        "yes_no": ["yes", "partial", "no", "na", None],
        "single_choice": ["a", "b", "c"],
        "number": [12, 48, 96],
    }
    answers = [{i.code: rng.choice(values[i.answer_type]) for i in items} for _ in range(1000)]
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for a in answers:
            scoring.score(sections, items, a)
        runs.append(time.perf_counter() - start)
    print(f"score_assessments_per_s: {1000 / min(runs):.0f}")


def dashboard(users) -> None:
    """dashboard_queries and the p50 at 100 and 10,000 vendors."""
    from django.db.models.functions import Mod
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from benchmarks.__main__ import add_vendors, p50_ms
    from dashboard.figures import invalidate_dashboard
    from vendors.models import Vendor

    client = Client()
    client.force_login(users["manager"])
    url = reverse("dashboard")
    cached, counted = {}, {}
    for size in (100, 10_000):
        add_vendors(users, size)
        # Give the synthetic vendors ratings and residual risks, as approvals would.
        for n, rating in enumerate("ABCDE"):
            Vendor.objects.annotate(bucket=Mod("pk", 5)).filter(bucket=n).update(
                current_rating=rating, current_residual_risk=("low", "medium", "high")[n % 3]
            )
        invalidate_dashboard()  # update() sends no signals; approvals do
        # As deployed: figures from the cache until something changes.
        cached[size] = p50_ms(client, url)
        # Every request counting afresh: the first request after each change.
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            counted[size] = p50_ms(client, url)
    with override_settings(DASHBOARD_CACHE_SECONDS=0), CaptureQueriesContext(connection) as q:
        client.get(url)
    print(f"dashboard_queries: {len(q)}")
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    print(f"dashboard_cached_queries: {len(q)}")
    for label, results in (("", cached), ("uncached_", counted)):
        for size in results:
            print(f"dashboard_{label}p50_ms_{size}: {results[size][0]:.2f}")
        ratio = results[10_000][0] / results[100][0]
        print(f"dashboard_{label}p50_ratio_10000_vs_100: {ratio:.2f}")
        cpu_ratio = results[10_000][1] / results[100][1]
        print(f"dashboard_{label}cpu_p50_ratio_10000_vs_100: {cpu_ratio:.2f}")
    # Back to an empty registry for the benchmarks that grow it themselves.
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        Vendor.objects.all().delete()
