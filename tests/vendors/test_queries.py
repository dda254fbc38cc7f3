"""Pinned query counts: an N+1 on the vendor pages fails here.

The counts include the request's own work (session, user, OTP device, role, permissions,
and the session save in its savepoint), the same for every page of the app.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CertificationFactory,
    ContactFactory,
    ContractFactory,
    VendorFactory,
    make_incident,
)

LIST_QUERIES = 12
# One of them lists the open portal invitations; the history panel takes a count, a page,
# the vendors and assessments its entries belong to, and one per kind of record named (the
# incidents' entries are one more kind); two are the incidents panel (its list, the targets).
DETAIL_QUERIES = 24


def make_vendors(count, owner, assigned):
    today = timezone.localdate()
    for _ in range(count):
        vendor = VendorFactory(
            owner=owner, assigned=[assigned], tags=["コールセンター", "個人情報"]
        )
        CertificationFactory(vendor=vendor, kind="pmark", valid_until=today + timedelta(days=30))
        CertificationFactory(vendor=vendor, kind="iso27001", valid_until=today - timedelta(days=3))


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("who", ["manager", "staff"])
def test_vendor_list_query_count_does_not_grow_with_vendors(
    client, django_assert_num_queries, manager, staff, other_staff, count, who
):
    make_vendors(count, owner=other_staff, assigned=staff)
    client.force_login(manager if who == "manager" else staff)
    url = reverse("vendors:index")
    client.get(url)  # a first request may set up the session
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)
    assert response.content.decode().count("text-bg-danger") >= min(count, 25)  # expired badges


@pytest.mark.parametrize("count", [10, 200])
def test_filtered_vendor_list_query_count(client, django_assert_num_queries, manager, staff, count):
    make_vendors(count, owner=staff, assigned=staff)
    client.force_login(manager)
    url = reverse("vendors:index") + "?cert=expired&sort=-tier&q=テスト&page=1"
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("parts", [1, 6])
def test_vendor_page_query_count_does_not_grow_with_its_parts(
    client, django_assert_max_num_queries, staff, assigned_staff, parts
):
    vendor = VendorFactory(owner=staff, assigned=[assigned_staff], tags=["a", "b", "c"])
    for n in range(parts):
        ContactFactory(vendor=vendor, name=f"担当者{n}")
        CertificationFactory(vendor=vendor)
        ContractFactory(vendor=vendor)
        make_incident(vendor, staff, people_affected=1_001 + n)
    client.force_login(staff)
    url = vendor.get_absolute_url()
    # History: edits through the app record field changes in the audit log.
    for _ in range(parts):
        client.post(reverse("vendors:status", args=[vendor.pk]), {"status": "under_review"})
        client.post(reverse("vendors:status", args=[vendor.pk]), {"status": "candidate"})
    client.get(url)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["history_page"]) >= min(4 * parts, 10)
