"""Approval offers to move the vendor on in its life cycle (a candidate becomes approved
or active, a vendor not to be adopted may be rejected), does it when chosen, says what it
did, and the vendor's audit entry names the assessment that moved it."""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from assessments import services
from tests.factories import VendorFactory, answer_everything, published_version, submit
from vendors.models import Vendor


@pytest.fixture
def in_review(staff, manager):
    published_version()
    vendor = VendorFactory(name="株式会社ライフサイクル", owner=staff)
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_everything(assessment, staff)
    submit(assessment, staff)
    services.apply_action(assessment, "begin_review", user=manager)
    return assessment


def approve(manager, assessment, language="ja", **data):
    client = Client()
    client.force_login(manager)
    client.cookies["django_language"] = language
    url = reverse("assessments:action", args=[assessment.pk, "approve"])
    return client.post(url, {"conclusion": "adopt", "confirmed": "1", **data}, follow=True)


def test_the_approval_form_offers_the_next_statuses_with_approved_chosen(
    client, manager, in_review
):
    client.force_login(manager)
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("assessments:detail", args=[in_review.pk])).content.decode()
    assert "承認後の委託先" in page
    assert "「候補」のまま" in page and "「承認済み」にする" in page and "「取引中」にする" in page
    assert 'value="approved" class="form-check-input" id="id_vendor_status_1" checked' in page or (
        'value="approved"' in page and "checked" in page
    )


@pytest.mark.parametrize(
    ("language", "status", "message"),
    [
        ("ja", "active", "株式会社ライフサイクルを「候補」から「取引中」にしました。"),
        ("en", "approved", "moved from “Candidate” to “Approved”."),
    ],
)
def test_approval_moves_the_vendor_and_says_so(manager, in_review, language, status, message):
    response = approve(manager, in_review, language, vendor_status=status)
    vendor = Vendor.objects.get(pk=in_review.vendor_id)
    assert vendor.status == status
    assert message in response.content.decode()
    entry = LogEntry.objects.get_for_object(vendor).filter(changes__icontains="status").latest("pk")
    assert entry.actor == manager
    assert entry.additional_data["assessment_id"] == in_review.pk


def test_leaving_the_vendor_as_it_is_says_so(manager, in_review):
    response = approve(manager, in_review, "en", vendor_status="")
    assert Vendor.objects.get(pk=in_review.vendor_id).status == Vendor.Status.CANDIDATE
    assert "stays “Candidate”" in response.content.decode()


def test_a_vendor_not_to_be_adopted_is_not_made_active(manager, in_review):
    response = approve(manager, in_review, "en", conclusion="reject", vendor_status="active")
    in_review.refresh_from_db()
    assert in_review.status == "in_review"  # nothing approved
    assert "cannot become" in response.content.decode()
    approve(manager, in_review, "en", conclusion="reject", vendor_status="rejected")
    assert Vendor.objects.get(pk=in_review.vendor_id).status == Vendor.Status.REJECTED


def test_a_forged_status_is_refused(manager, in_review):
    approve(manager, in_review, "en", vendor_status="offboarded")
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    assert Vendor.objects.get(pk=in_review.vendor_id).status == Vendor.Status.CANDIDATE


def test_the_statuses_after_approval_follow_the_life_cycle(staff):
    vendor = VendorFactory(owner=staff)
    cases = {
        Vendor.Status.CANDIDATE: ["approved", "active", "rejected"],
        Vendor.Status.UNDER_REVIEW: ["approved", "active", "rejected"],
        Vendor.Status.APPROVED: ["active", "rejected"],
        Vendor.Status.ACTIVE: [],
        Vendor.Status.OFFBOARDED: ["approved", "active"],
        Vendor.Status.REJECTED: ["approved", "active"],
    }
    for status, expected in cases.items():
        vendor.status = status
        assert vendor.statuses_after_approval() == expected, status


def test_an_active_vendor_gets_no_choice(client, manager, in_review):
    Vendor.objects.filter(pk=in_review.vendor_id).update(status=Vendor.Status.ACTIVE)
    client.force_login(manager)
    page = client.get(reverse("assessments:detail", args=[in_review.pk])).content.decode()
    assert "vendor-status-after-approval" not in page
    response = approve(manager, in_review, "en")
    assert "stays “Active”" in response.content.decode()
