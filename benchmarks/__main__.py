"""Run the benchmarks against a throwaway database, never the developer's.

SQLite (the default): a temporary DD_VAR_DIR. PostgreSQL (DATABASE_URL set): a
database named <its name>_bench (or BENCH_DB) on the same server, dropped afterwards.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from urllib.parse import urlparse, urlunparse

# BENCH_DB names another throwaway database (two benchmark runs on one server at once);
# by default it is named after the DATABASE_URL database, so two developers never meet.
BENCH_DB = os.environ.get("BENCH_DB", "")
REQUESTS = 30


def _postgres_admin(url: str):
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True)


def _prepare_database(var_dir: str) -> str | None:
    """Point Django at a fresh database; return the PostgreSQL URL to drop later, if any."""
    os.environ["DD_VAR_DIR"] = var_dir
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ.pop("DATABASE_URL", None)  # SQLite lands in the temporary DD_VAR_DIR
        return None
    global BENCH_DB
    base = urlparse(url).path.strip("/")
    if not BENCH_DB:
        BENCH_DB = f"{base}_bench" if base and base != "postgres" else "dd_bench"
    bench_url = urlunparse(urlparse(url)._replace(path=f"/{BENCH_DB}"))
    with _postgres_admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = bench_url
    return bench_url


def _drop_database(bench_url: str) -> None:
    from django.db import connections

    connections.close_all()
    with _postgres_admin(bench_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def p50_ms(client, url: str, params=None, n: int = REQUESTS, batches: int = 3):
    """(wall, CPU) medians of n requests, from the quietest of a few batches: other work
    on a shared machine only adds wall time. The CPU time of this process is immune to
    that, and with SQLite it includes the queries."""
    for _ in range(3):  # warm caches and the connection
        client.get(url, params)
    medians = []
    for _ in range(batches):
        wall, cpu = [], []
        for _ in range(n):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        medians.append((statistics.median(wall), statistics.median(cpu)))
    return min(medians)


def add_vendors(users, total: int) -> None:
    """Synthetic vendors up to `total`, each with two certifications (one of six expired)."""
    from django.db import connection
    from django.utils import timezone

    from vendors.demo import add_synthetic_vendors
    from vendors.models import Certification, Vendor

    before = set(Vendor.objects.values_list("pk", flat=True))
    add_synthetic_vendors(total - len(before), users)
    today = timezone.localdate()
    new = Vendor.objects.exclude(pk__in=before).values_list("pk", flat=True)
    certs = []
    for n, pk in enumerate(new.iterator()):
        certs.append(
            Certification(vendor_id=pk, kind="pmark", valid_until=today + timedelta(days=400))
        )
        certs.append(
            Certification(
                vendor_id=pk, kind="iso27001", valid_until=today + timedelta(days=n % 6 * 60 - 60)
            )
        )
    Certification.objects.bulk_create(certs, batch_size=2000)
    from dashboard.figures import invalidate_dashboard

    invalidate_dashboard()  # bulk_create sends no signals
    # What autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) does after a bulk load;
    # without statistics the planner sorts the whole table instead of using the index.
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL, as autovacuum would: it sets the visibility map that
        # lets the dashboard's counts be answered from the covering indexes alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _registered():
    """Every benchmark in the order it runs. Add yours here (see benchmarks/harness.py)."""
    from benchmarks.answering import answer_save
    from benchmarks.api import api_answer_write
    from benchmarks.notifications import reminders
    from benchmarks.portal import portal
    from benchmarks.reports import report_pdf, report_recovery
    from benchmarks.scale import scale
    from benchmarks.scoring import score_throughput
    from benchmarks.workbooks import xlsx_workbooks

    # scale first: it clones the freshly migrated database into its two worlds.
    # The reminders and the portal grow a registry of their own and empty it again.
    # xlsx_workbooks last: its 300-item checklist becomes the published one.
    return [
        scale,
        score_throughput,
        reminders,
        portal,
        report_pdf,
        report_recovery,
        api_answer_write,
        answer_save,
        xlsx_workbooks,
    ]


BENCHMARKS: list = []  # set by _registered(), or replaced by a module run on its own


def main() -> int:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duediligence.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # no line per request
    with tempfile.TemporaryDirectory(prefix="dd-bench-") as var_dir:
        bench_url = _prepare_database(var_dir)
        try:
            import django

            django.setup()
            from duediligence.celery import app

            app.loader.import_default_modules()  # the tasks that services queue on commit
            from django.conf import settings
            from django.core.management import call_command

            from accounts.demo import create_demo_users

            # Not setup_test_environment(): its template instrumentation would be measured.
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
            # Its own keys when the cache is a shared Redis (figures expire by themselves).
            settings.CACHES["default"]["KEY_PREFIX"] = "dd-bench"
            call_command("migrate", verbosity=0)
            users = create_demo_users()
            from benchmarks.scale import database_label

            print(f"bench_database: {database_label()}")
            chosen = BENCHMARKS or _registered()
            # BENCH_ONLY=scale,portal runs a subset, in the same order.
            only = {n for n in os.environ.get("BENCH_ONLY", "").split(",") if n}
            for benchmark in [b for b in chosen if not only or b.__name__ in only]:
                benchmark(users)
                sys.stdout.flush()
        finally:
            from django.core.cache import cache

            from dashboard.figures import GENERATION_KEY

            cache.delete(GENERATION_KEY)
            if bench_url:
                _drop_database(bench_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
