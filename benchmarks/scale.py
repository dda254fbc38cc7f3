"""Pages at 100 vendors against 100,000 (issue 20), measured in interleaved rounds.

Two databases are built from the migrated bench database (``CREATE DATABASE ... TEMPLATE``
on PostgreSQL, a file copy on SQLite): one with SMALL vendors, one with LARGE, each with
contacts, certificates, assessments, findings, audit entries and open reportable incidents
(one vendor in ten) in the proportions of a real registry (see ``populate``). Rows go in with ``COPY`` on PostgreSQL and one
``executemany`` per table on SQLite, so 100,000 vendors and their ~600,000 rows take
seconds, not minutes. The connection then switches between the two databases round by
round (and the cache prefix with it), so both sizes see the same load.

Printed per page (``<page>`` below):

    <page>_p50_ms_100 / _100000              median request at each size (median of rounds)
    <page>_ratio_100000_vs_100               median of the rounds' ratios (target <= 1.3)
    <page>_ratio_100000_vs_100_spread        max - min of the rounds' ratios
    <page>_queries                           queries of one request at the large size

With BENCH_QUICK=1 the large size is 10,000 and the names say so.
"""

import os
import shutil
import statistics
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from benchmarks.harness import QUICK, REQUESTS, ROUNDS, emit, emit_spread

SMALL = 100
LARGE = 10_000 if QUICK else 100_000
SEARCH = "ゴウセイテスト0004"  # ten vendors at every size (00040 to 00049)


# -- building ---------------------------------------------------------------------------


def _rows(model, rows, connection):
    """Each dict of ``attname: value`` as the tuple of the model's concrete columns, as
    the database stores them; columns a dict leaves out take the model's default (the
    value a new instance would be saved with), prepared once."""
    fields = model._meta.concrete_fields
    blank = model()
    defaults = [f.get_db_prep_save(f.pre_save(blank, add=True), connection) for f in fields]
    for row in rows:
        yield tuple(
            f.get_db_prep_save(row[f.attname], connection) if f.attname in row else default
            for f, default in zip(fields, defaults, strict=True)
        )


def bulk_load(model, rows) -> None:
    """Rows (dicts with explicit ids) straight into the table: COPY on PostgreSQL, one
    executemany in a transaction on SQLite. No model instances, signals or audit entries."""
    from django.core.management.color import no_style
    from django.db import connections, transaction

    connection = connections["default"]  # the connection itself, not the per-call proxy
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in _rows(model, rows, connection):
                    copy.write_row(row)
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
        else:
            marks = ", ".join(["%s"] * len(columns))
            insert = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, list(_rows(model, rows, connection)))


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _derived(i: int) -> dict:
    """What Vendor.save() derives from the intake (it repeats every 30 vendors)."""
    from vendors import risk
    from vendors.models import Vendor

    v = Vendor(
        record_volume=risk.VOLUME_CHOICES[i % 5][0],
        personal_data=i % 2 == 0,
        business_critical=i % 3 == 0,
    )
    level = v.meti_result
    return {
        "record_volume": v.record_volume,
        "personal_data": v.personal_data,
        "business_critical": v.business_critical,
        "inherent_tier": v.tier_result.tier,
        "meti_required_level": level.required,
        "meti_below_required": level.short,
    }


def populate(users, size: int) -> dict:
    """``size`` vendors with what a registry of that size holds. Per vendor: one contact,
    a Privacy Mark (3 in 5) and an ISO/IEC 27001 certificate (1 in 2), dates spread over
    three years; one assessment (3 in 5 approved with a rating, 1 in 5 submitted, the
    rest drafts); 4 findings per submitted or approved assessment, mostly closed once
    approved; and the vendor's creation in the audit log. Returns ids the pages need."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from assessments.models import Assessment, Finding
    from incidents.models import Incident
    from questionnaires.checklists import current_version, install_default_checklist
    from vendors.corporate_number import check_digit
    from vendors.models import Certification, Contact, Vendor
    from vendors.normalize import search_key

    version = current_version() or install_default_checklist(users["admin"])
    items = list(version.items.order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    owners = [users["staff1"].pk, users["staff2"].pk]
    first = {
        m: _next_id(m)
        for m in (Vendor, Contact, Certification, Assessment, Finding, LogEntry, Incident)
    }
    derived = [_derived(i) for i in range(30)]
    statuses, categories = Vendor.Status.values, Vendor.Category.values
    severities = ("critical", "high", "medium", "low")
    vendor_type = ContentType.objects.get_for_model(Vendor).pk
    start = datetime(2026, 1, 1, tzinfo=UTC)
    vendors, contacts, certs, assessments, findings, entries = [], [], [], [], [], []
    incidents = []
    for i in range(size):
        approved, submitted = i % 5 in (0, 1, 2), i % 5 == 3
        pk = first[Vendor] + i
        base = f"9{i:011d}"
        name, kana, en = (
            f"合成テスト株式会社{i:05d}",
            f"ゴウセイテスト{i:05d}",
            f"Synthetic Test {i:05d} Co., Ltd.",
        )
        number = f"{check_digit(base)}{base}"
        contact = {
            "id": first[Contact] + i,
            "vendor_id": pk,
            "name": f"担当 {i:05d}",
            "department": "情報システム部",
            "email": f"contact{i}@vendor{i}.example",
            "phone": f"03-{i % 10000:04d}-{i % 9973:04d}",
        }
        rating = "ABCDE"[i % 5] if approved else ""
        score = 90.0 - i % 5 * 15 if approved else None
        residual = ("low", "medium", "high")[i % 3] if approved else ""
        vendors.append(
            {
                "id": pk,
                "name": name,
                "name_kana": kana,
                "name_en": en,
                "corporate_number": number,
                "categories": f",{categories[i % 6]},",
                "owner_id": owners[i % 2],
                "status": statuses[i % 6],
                "current_rating": rating,
                "current_score": score,
                "current_residual_risk": residual,
                "last_assessed_on": today - timedelta(days=i % 400) if approved else None,
                "next_reassessment_on": today + timedelta(days=i % 730 - 60) if approved else None,
                "search_key": search_key(
                    name, kana, en, number, contact["name"], contact["email"], contact["phone"]
                ),
                **derived[i % 30],
            }
        )
        contacts.append(contact)
        if i % 5 < 3:
            certs.append(
                {
                    "id": first[Certification] + len(certs),
                    "vendor_id": pk,
                    "kind": "pmark",
                    "valid_until": today + timedelta(days=i * 37 % 1100 - 60),
                }
            )
        if i % 2 == 0:
            certs.append(
                {
                    "id": first[Certification] + len(certs),
                    "vendor_id": pk,
                    "kind": "iso27001",
                    "edition": "iso27001_2022",
                    "valid_until": today + timedelta(days=i * 53 % 1100 - 30),
                }
            )
        assessment = first[Assessment] + i
        assessments.append(
            {
                "id": assessment,
                "vendor_id": pk,
                "version_id": version.pk,
                "status": "approved" if approved else "submitted" if submitted else "draft",
                "created_by_id": owners[i % 2],
                "due_date": today + timedelta(days=i % 120 - 20),
                "rating": rating,
                "score": score,
                "residual_risk": residual,
                "approved_at": now if approved else None,
                "submitted_at": now if approved or submitted else None,
            }
        )
        if approved or submitted:
            for k in range(4):
                severity = severities[(i + k) % 4]
                closed = approved and k < 3
                findings.append(
                    {
                        "id": first[Finding] + len(findings),
                        "assessment_id": assessment,
                        "vendor_id": pk,
                        "item_id": items[(i + k * 7) % len(items)],
                        "severity": severity,
                        "severity_rank": Finding.SEVERITY_ORDER[severity],
                        "value": 0.5,
                        "status": "resolved" if closed else "open",
                        "closing_note": "対応済み" if closed else "",
                        "due_date": today + timedelta(days=i % 180 - 30),
                    }
                )
        if i % 10 == 5:  # one vendor in ten has an open reportable incident
            aware = now - timedelta(days=i % 40, hours=i % 24)
            aware_on = timezone.localdate(aware)
            incidents.append(
                {
                    "id": first[Incident] + len(incidents),
                    "vendor_id": pk,
                    "title": f"漏えい {i:05d}",
                    "description": "合成データ",
                    "aware_at": aware,
                    "people_affected": 1_001 + i % 5_000,
                    "malicious": i % 30 == 5,
                    "status": "open",
                    "reportable": True,
                    "cases": "appi_7_3,appi_7_4" if i % 30 == 5 else "appi_7_4",
                    "final_report_days": 60 if i % 30 == 5 else 30,
                    "quick_report_due_on": aware_on + timedelta(days=3),
                    "notice_due_on": aware_on + timedelta(days=5),
                    "final_report_due_on": aware_on + timedelta(days=29),
                    "quick_report_sent_on": aware_on + timedelta(days=2) if i % 20 < 10 else None,
                }
            )
        entries.append(
            {
                "id": first[LogEntry] + i,
                "content_type_id": vendor_type,
                "object_pk": str(pk),
                "object_id": pk,
                "object_repr": name,
                "action": LogEntry.Action.CREATE,
                "changes": {"name": ["None", name]},
                "actor_id": owners[i % 2],
                "timestamp": start + timedelta(minutes=i),
                "additional_data": {"vendor_id": pk},
            }
        )
    for model, rows in (
        (Vendor, vendors),
        (Contact, contacts),
        (Certification, certs),
        (Assessment, assessments),
        (Finding, findings),
        (LogEntry, entries),
        (Incident, incidents),
    ):
        bulk_load(model, rows)
    _analyze()
    # A vendor in the middle of the registry, with an approved assessment and findings.
    return {"vendor": first[Vendor] + size // 2 - (size // 2) % 5}


def _analyze() -> None:
    """What autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) does after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# -- two databases ----------------------------------------------------------------------


class Worlds:
    """The SMALL and the LARGE database, cloned from the migrated bench database."""

    def __init__(self, users):
        from django.db import connections

        self.users = users
        self.settings = connections["default"].settings_dict
        self.template = self.settings["NAME"]
        self.names = {}
        self.facts = {}
        connections.close_all()
        for size in (SMALL, LARGE):
            self.names[size] = self._clone(size)
        for size in (SMALL, LARGE):
            self.use(size)
            self.facts[size] = populate(users, size)

    @property
    def postgres(self) -> bool:
        return "postgresql" in self.settings["ENGINE"]

    def _clone(self, size: int) -> str:
        if self.postgres:
            from benchmarks.__main__ import _postgres_admin

            name = f"{self.template}_{size}"
            url = os.environ["DATABASE_URL"]
            with _postgres_admin(url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            return name
        name = f"{self.template}.{size}"
        shutil.copyfile(self.template, name)
        return name

    def use(self, size) -> None:
        """Point the connection (and the cache's key prefix) at one world."""
        from django.core.cache import cache
        from django.db import connections

        name = self.template if size is None else self.names[size]
        connection = connections["default"]
        if connection.settings_dict["NAME"] != name:
            connection.close()
            connection.settings_dict["NAME"] = name
        cache.key_prefix = f"dd-bench-{size or 'main'}"

    def close(self) -> None:
        from django.db import connections

        self.use(None)
        connections.close_all()
        for name in self.names.values():
            if self.postgres:
                from benchmarks.__main__ import _postgres_admin

                with _postgres_admin(os.environ["DATABASE_URL"]) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            elif os.path.exists(name):
                os.remove(name)


# -- pages ------------------------------------------------------------------------------


def _client(world, size, user):
    from django.test import Client

    world.use(size)
    client = Client()
    client.force_login(user)
    return client


def _api_client(world, size, user):
    from django.test import Client

    from accounts.tokens import issue_token
    from api.throttling import PerTokenThrottle

    world.use(size)
    PerTokenThrottle.THROTTLE_RATES = {"api_token": "1000000/min"}  # measure, not throttle
    _token, raw = issue_token(user, name="bench", scope="read")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _touch_a_vendor(world, size):
    """A change the dashboard must show: a vendor saved as the edit page saves it."""
    from vendors.models import Vendor

    vendor = Vendor.objects.get(pk=world.facts[size]["vendor"])
    vendor.notes = "" if vendor.notes else "更新"
    vendor.save()


def _pages(world):
    """(name, who, how to build the request for a size, what to do before each request)."""
    return [
        ("vendor_list", "manager", lambda s: ("/vendors/", None), None),
        ("vendor_search", "manager", lambda s: ("/vendors/", {"q": SEARCH}), None),
        ("vendor_list_staff", "staff1", lambda s: ("/vendors/", None), None),
        ("dashboard", "manager", lambda s: ("/", None), None),
        ("dashboard_after_change", "manager", lambda s: ("/", None), _touch_a_vendor),
        (
            "vendor_page",
            "manager",
            lambda s: (f"/vendors/{world.facts[s]['vendor']}/", None),
            None,
        ),
        ("finding_list", "manager", lambda s: ("/findings/", None), None),
        ("api_vendor_list", "api", lambda s: ("/api/v1/vendors/", None), None),
    ]


def _measure(world, size, client, url, params, before):
    """Median ms of the request; with ``before``, a change is made (untimed) before each."""
    import time

    world.use(size)
    timings = []
    for n in range(REQUESTS + 2):
        if before is not None:
            before(world, size)
        start = time.perf_counter()
        response = client.get(url, params)
        if n >= 2:  # warm-up
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def _queries(world, size, client, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.use(size)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return len(queries)


def scale(users) -> None:
    """Every page of _pages at SMALL and LARGE vendors, interleaved round by round."""
    import time

    start = time.perf_counter()
    world = Worlds(users)
    emit(f"scale_build_{LARGE}_s", time.perf_counter() - start, 1)
    only = {n for n in os.environ.get("BENCH_PAGES", "").split(",") if n}
    try:
        for name, who, request, before in _pages(world):
            if only and name not in only:
                continue
            clients = {
                size: (
                    _api_client(world, size, users["manager"])
                    if who == "api"
                    else _client(world, size, users[who])
                )
                for size in (SMALL, LARGE)
            }
            timings = {SMALL: [], LARGE: []}
            for n in range(ROUNDS):
                for size in (SMALL, LARGE) if n % 2 == 0 else (LARGE, SMALL):
                    url, params = request(size)
                    timings[size].append(_measure(world, size, clients[size], url, params, before))
            for size in (SMALL, LARGE):
                emit(f"{name}_p50_ms_{size}", statistics.median(timings[size]))
            ratios = [b / a for a, b in zip(timings[SMALL], timings[LARGE], strict=True)]
            emit_spread(f"{name}_ratio_{LARGE}_vs_{SMALL}", ratios)
            url, params = request(LARGE)
            emit(f"{name}_queries", _queries(world, LARGE, clients[LARGE], url, params))
    finally:
        world.close()


def database_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if urlparse(url).scheme.startswith("postgres") else "sqlite"
