"""The dashboard's breach clock: countdowns, missed deadlines and the raised risk, per
visibility, in a fixed number of queries."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents import services
from tests.factories import make_incident
from vendors.models import Vendor


def test_the_dashboard_counts_down_the_visible_incidents(client, staff, other_staff, manager):
    mine = Vendor.objects.create(
        name="自社委託先", owner=staff, current_rating="B", current_residual_risk="low"
    )
    theirs = Vendor.objects.create(name="他人の委託先", owner=other_staff)
    late = make_incident(mine, staff, malicious=True, aware_at=timezone.now() - timedelta(days=10))
    make_incident(mine, staff, people_affected=10)  # not reportable: no countdown
    make_incident(theirs, other_staff, sensitive_data=True)
    client.force_login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-open-incidents="1"' in page
    assert f'data-countdown="{late.pk}-quick_report"' in page
    assert 'data-figure="incidents-missed" data-count="1"' in page
    assert 'data-figure="risk-medium" data-count="1"' in page  # low raised to medium
    assert 'data-figure="risk-low" data-count="0"' in page
    client.force_login(manager)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-open-incidents="2"' in page
    services.add_step(late, kind="quick_report", user=staff)
    services.add_step(late, kind="people_notified", user=staff)
    client.force_login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-figure="incidents-missed"' not in page  # the step invalidated the cache
    assert f'data-countdown="{late.pk}-final_report"' in page


def test_the_dashboard_queries_do_not_grow_with_incidents(
    client, manager, staff, django_assert_max_num_queries
):
    vendor = Vendor.objects.create(name="多数", owner=staff)
    for n in range(3):
        make_incident(vendor, staff, people_affected=2_000 + n)
    client.force_login(manager)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("dashboard"))
    for n in range(10):
        make_incident(vendor, staff, people_affected=3_000 + n)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dashboard"))
