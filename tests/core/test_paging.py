"""Long lists count at most cap + 1 rows (core/paging.py), so a page costs the same at
100 rows as at 100,000."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import paging
from core.paging import CappedPaginator
from tests.factories import VendorFactory
from vendors.models import Vendor


@pytest.fixture
def six_vendors(staff):
    return [
        VendorFactory(owner=staff, name=f"株式会社頁{n}", name_kana=f"ページ{n}") for n in range(6)
    ]


def test_a_short_list_is_counted_exactly(six_vendors):
    paginator = CappedPaginator(Vendor.objects.order_by("pk"), 2, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (6, False, 3)


def test_a_long_list_is_counted_up_to_the_cap(six_vendors):
    paginator = CappedPaginator(Vendor.objects.order_by("pk"), 2, cap=4)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, True, 2)
    assert [v.pk for v in paginator.get_page(2)] == [v.pk for v in six_vendors[2:4]]


def test_the_count_reads_no_more_than_cap_plus_one_rows(six_vendors):
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(Vendor.objects.order_by("name"), 2, cap=4).count == 4
    (sql,) = [q["sql"] for q in queries]
    assert "LIMIT 5" in sql and "ORDER BY" not in sql


def test_the_vendor_list_says_more_than_the_cap(client, staff, six_vendors, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff)
    html = client.get(reverse("vendors:index")).content.decode()
    assert "More than 4 vendors: search or filter to narrow the list." in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get(reverse("vendors:index")).content.decode()
    assert "委託先が4社を超えています" in html
    monkeypatch.setattr(paging, "COUNT_CAP", 1000)
    html = client.get(reverse("vendors:index")).content.decode()
    assert "6社" in html
