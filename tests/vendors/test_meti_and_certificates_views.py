"""The METI level and certificate cycles on the vendor page, the form and the lists."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import CertificationFactory, VendorFactory
from vendors import meti
from vendors.models import Certification, Vendor

pytestmark = pytest.mark.django_db


def test_saving_a_vendor_stores_its_required_level_and_shortfall(staff):
    vendor = VendorFactory(owner=staff, internal_system_access=True)
    assert (vendor.meti_required_level, vendor.meti_below_required) == (meti.STAR4, True)
    vendor.meti_declared_level = meti.DeclaredLevel.STAR4_ASSESSED
    vendor.save(update_fields=["meti_declared_level"])
    vendor.refresh_from_db()
    assert vendor.meti_below_required is False
    vendor.internal_system_access = False
    vendor.meti_declared_level = meti.DeclaredLevel.SECURITY_ACTION_2
    vendor.save()
    assert (vendor.meti_required_level, vendor.meti_below_required) == (meti.STAR3, True)


def test_the_vendor_page_shows_the_required_level_its_reasons_and_the_shortfall(client, staff):
    vendor = VendorFactory(owner=staff, business_critical=True)
    client.force_login(staff)
    with translation.override("en"):
        page = client.get(vendor.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-meti-required="4"' in html and 'data-meti-short="yes"' in html


def test_the_vendor_list_filters_vendors_below_their_level(client, staff):
    short = VendorFactory(owner=staff)
    VendorFactory(owner=staff, meti_declared_level=meti.DeclaredLevel.STAR3_SELF)
    client.force_login(staff)
    page = client.get(reverse("vendors:index"), {"meti": "below"})
    assert [v.pk for v in page.context["page"]] == [short.pk]


def test_a_privacy_mark_number_in_the_wrong_format_is_refused_with_a_message(client, staff):
    vendor = VendorFactory(owner=staff)
    client.force_login(staff)
    url = reverse("vendors:certification_create", args=[vendor.pk])
    data = {"kind": "pmark", "registration_number": "JQA-123", "valid_until": "2027-01-31"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "10820123(05)" in response.content.decode()
    assert not Certification.objects.exists()
    data["registration_number"] = "１０８２０１２３（０５）"
    client.post(url, data)
    assert Certification.objects.get().registration_number == "10820123(05)"


def test_a_renewal_filed_in_time_keeps_the_mark_out_of_the_expired_lists(client, staff):
    today = timezone.localdate()
    ended = today - timedelta(days=10)
    vendor = VendorFactory(owner=staff)
    cert = CertificationFactory(
        vendor=vendor,
        kind="pmark",
        valid_until=ended,
        renewal_applied_on=ended - timedelta(days=150),
    )
    assert cert.renewal_in_time and cert.state == Certification.State.UNDER_RENEWAL
    late = VendorFactory(owner=staff)
    CertificationFactory(vendor=late, kind="pmark", valid_until=ended)
    client.force_login(staff)
    listed = client.get(reverse("vendors:index"), {"cert": "expired"}).context["page"]
    assert [v.pk for v in listed] == [late.pk]
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'data-figure="certs-expired" data-count="1"' in dashboard


def test_the_certificate_row_shows_its_badges(client, staff):
    vendor = VendorFactory(owner=staff)
    CertificationFactory(
        vendor=vendor,
        kind="iso27001",
        edition=Certification.Edition.ISO27001_2013,
        valid_until=date(2027, 6, 30),
    )
    client.force_login(staff)
    html = client.get(vendor.get_absolute_url()).content.decode()
    state = "old_edition" if timezone.localdate() > date(2025, 10, 31) else "valid"
    assert f'data-cert-state="{state}"' in html


def test_the_dashboard_counts_vendors_below_their_level(client, staff):
    VendorFactory(owner=staff)
    VendorFactory(owner=staff, meti_declared_level=meti.DeclaredLevel.STAR3_SELF)
    VendorFactory(owner=staff, confidential_on_vendor_it=True, meti_declared_level="star4_self")
    client.force_login(staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-figure="meti-below-required" data-count="2"' in html
    assert Vendor.objects.filter(meti_below_required=True).count() == 2
