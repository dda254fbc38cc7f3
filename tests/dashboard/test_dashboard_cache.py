"""The dashboard's figures are cached per visibility scope and per day, and every
write to what they count replaces the cache generation: never a stale figure."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.findings import update_finding
from assessments.models import Finding
from dashboard import figures as dashboard
from questionnaires.checklists import install_default_checklist
from tests.factories import approved_assessment, make_vendor
from vendors.models import Certification, Vendor


@pytest.fixture
def version(db):
    return install_default_checklist()


def figures(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.context["figures"]


def risk(found, level):
    return dict(found["by_risk"])[level]


def test_a_second_visit_is_served_from_the_cache(client, staff, django_assert_num_queries):
    make_vendor(staff, "株式会社キャッシュ")
    first = figures(client, staff)
    # session, user, OTP device, groups, 2 x permissions, session save (3): no counting.
    with django_assert_num_queries(9):
        second = client.get(reverse("dashboard")).context["figures"]
    assert second == first
    assert first["vendor_total"] == 1


def test_turned_off_every_visit_counts(client, staff, settings, django_assert_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 0
    figures(client, staff)
    make_vendor(staff, "株式会社ノーキャッシュ")
    Vendor.objects.update(current_residual_risk="high")  # no signal: only counting sees it
    assert risk(figures(client, staff), "high") == 1
    assert cache.get(dashboard.GENERATION_KEY) is not None  # writes still invalidate


def test_a_new_vendor_shows_at_once(client, staff):
    assert figures(client, staff)["vendor_total"] == 0
    make_vendor(staff, "株式会社ニュー")
    assert figures(client, staff)["vendor_total"] == 1


def test_an_approval_moves_the_vendor_between_risk_levels(client, staff, manager, version):
    vendor = make_vendor(staff, "株式会社リスク", tier=1)
    assert risk(figures(client, manager), "none") == 1
    approved_assessment(vendor, staff, manager, {"CON-01": "no"})
    found = figures(client, manager)
    assert (risk(found, "none"), risk(found, "critical")) == (0, 1)
    assert found["findings"]["critical"] >= 1


def test_certificates_and_assessments_invalidate(client, staff, version):
    vendor = make_vendor(staff, "株式会社サーティ")
    assert figures(client, staff)["certs"] == {"expired": 0, "expiring": 0}
    cert = Certification.objects.create(
        vendor=vendor, kind=Certification.Kind.PMARK, valid_until=timezone.localdate()
    )
    assert figures(client, staff)["certs"] == {"expired": 0, "expiring": 1}
    cert.valid_until = timezone.localdate() - timedelta(days=1)
    cert.save()
    assert figures(client, staff)["certs"] == {"expired": 1, "expiring": 0}
    cert.delete()
    assert figures(client, staff)["certs"] == {"expired": 0, "expiring": 0}

    services.start_assessment(vendor, user=staff, due_date=timezone.localdate() - timedelta(days=1))
    assert figures(client, staff)["assessments"]["overdue"] == 1


def test_a_finding_closed_leaves_the_cached_figure(client, staff, manager, version):
    vendor = make_vendor(staff, "株式会社ファインディング", tier=1)
    approved_assessment(vendor, staff, manager, {"CON-01": "no"})
    before = figures(client, staff)["findings"]["critical"]
    update_finding(
        Finding.objects.get(vendor=vendor, item__code="CON-01"),
        status=Finding.Status.RESOLVED,
        owner=staff,
        due_date=None,
        remediation_plan="",
        closing_note="NDA を締結した。",
    )
    assert figures(client, staff)["findings"]["critical"] == before - 1


def test_assignment_changes_what_procurement_staff_count(client, staff, other_staff, admin_user):
    vendor = make_vendor(admin_user, "株式会社アサイン")
    assert figures(client, other_staff)["vendor_total"] == 0
    vendor.assigned_staff.add(other_staff)
    assert figures(client, other_staff)["vendor_total"] == 1
    vendor.assigned_staff.remove(other_staff)
    assert figures(client, other_staff)["vendor_total"] == 0
    vendor.delete()
    assert figures(client, admin_user)["vendor_total"] == 0


@pytest.mark.parametrize("first", ["manager", "staff", "other_staff", "admin_user"])
def test_one_users_cached_figures_never_reach_another(client, request, staff, admin_user, first):
    """Whoever fills the cache first, each user sees their own scope's counts."""
    make_vendor(staff, "株式会社チャーリー")
    make_vendor(admin_user, "株式会社アリス")
    expected = {"manager": 2, "admin_user": 2, "staff": 1, "other_staff": 0}
    order = [first, *(name for name in expected if name != first)]
    for name in order:
        found = figures(client, request.getfixturevalue(name))
        assert found["vendor_total"] == expected[name], name


def test_a_new_day_counts_again_without_any_write(client, staff, monkeypatch):
    vendor = make_vendor(staff, "株式会社トゥモロー")
    today = timezone.localdate()
    Certification.objects.create(vendor=vendor, kind=Certification.Kind.PMARK, valid_until=today)
    assert figures(client, staff)["certs"] == {"expired": 0, "expiring": 1}
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=1))
    assert figures(client, staff)["certs"] == {"expired": 1, "expiring": 0}


def test_a_figure_counted_before_the_commit_is_not_served_after_it(
    client, staff, django_capture_on_commit_callbacks
):
    """Another request may count between a write and its commit; the commit replaces
    the generation once more, so what it cached is never read again."""
    assert figures(client, staff)["vendor_total"] == 0
    with django_capture_on_commit_callbacks() as callbacks:
        make_vendor(staff, "株式会社レース")
        # The concurrent request: it read the new generation but not the new row.
        stale = dashboard.count_dashboard_figures(staff, timezone.localdate())
        stale["vendor_total"] = 0
        key = (
            f"dashboard:figures:{cache.get(dashboard.GENERATION_KEY)}:"
            f"{timezone.localdate().isoformat()}:user:{staff.pk}"
        )
        cache.set(key, stale)
        assert figures(client, staff)["vendor_total"] == 0  # the race, as it would be
    assert callbacks  # the commit-time invalidation was registered
    for callback in callbacks:
        callback()
    assert figures(client, staff)["vendor_total"] == 1


@pytest.mark.redis
def test_figures_round_trip_through_redis(redis_url, settings, client, staff):
    """Production shares the cache over Redis between web and worker processes."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"dd-test-{uuid.uuid4().hex}",  # never FLUSHDB a shared database
        }
    }
    redis_cache = caches["default"]
    day = timezone.localdate().isoformat()
    keys = [dashboard.GENERATION_KEY]
    try:
        make_vendor(staff, "株式会社レディス")
        assert figures(client, staff)["vendor_total"] == 1
        generation = redis_cache.get(dashboard.GENERATION_KEY)
        keys.append(f"dashboard:figures:{generation}:{day}:user:{staff.pk}")
        assert redis_cache.get(keys[-1])["vendor_total"] == 1
        make_vendor(staff, "株式会社レディス二")
        assert redis_cache.get(dashboard.GENERATION_KEY) != generation
        assert figures(client, staff)["vendor_total"] == 2
        generation = redis_cache.get(dashboard.GENERATION_KEY)
        keys.append(f"dashboard:figures:{generation}:{day}:user:{staff.pk}")
    finally:
        redis_cache.delete_many(keys)


def test_an_unreachable_cache_costs_speed_not_the_page_or_a_write(settings, client, staff):
    """Nothing listens on port 1: every cache call fails, as when Redis is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    make_vendor(staff, "株式会社ダウン")  # the invalidation fails; the save does not
    assert figures(client, staff)["vendor_total"] == 1
    make_vendor(staff, "株式会社ダウン二")
    assert figures(client, staff)["vendor_total"] == 2
