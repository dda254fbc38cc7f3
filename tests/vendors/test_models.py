from datetime import date, timedelta

import pytest

from tests.factories import VendorFactory
from vendors import risk
from vendors.forms import StatusForm
from vendors.models import Certification, Vendor

TODAY = date(2026, 4, 1)


@pytest.mark.parametrize(
    ("valid_until", "state"),
    [
        (TODAY - timedelta(days=1), Certification.State.EXPIRED),
        (TODAY, Certification.State.EXPIRING),
        (TODAY + timedelta(days=1), Certification.State.EXPIRING),
        (TODAY + timedelta(days=90), Certification.State.EXPIRING),
        (TODAY + timedelta(days=91), Certification.State.VALID),
        (TODAY + timedelta(days=1000), Certification.State.VALID),
    ],
    ids=["yesterday", "today", "tomorrow", "in-90-days", "in-91-days", "in-1000-days"],
)
def test_certification_state_on_a_day(valid_until, state):
    assert Certification(valid_until=valid_until).state_on(TODAY) == state


def test_certification_state_display_names_the_state():
    cert = Certification(valid_until=date(2000, 1, 1))
    assert cert.state == Certification.State.EXPIRED
    assert cert.get_state_display() == Certification.State.EXPIRED.label


ALLOWED = [(src, dst) for src, targets in Vendor.TRANSITIONS.items() for dst in targets]
REFUSED = [
    (src, dst)
    for src in Vendor.Status.values
    for dst in Vendor.Status.values
    if dst not in Vendor.TRANSITIONS[src]
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_status_form_allows_lifecycle_moves(current, target):
    form = StatusForm(Vendor(status=current), {"status": target})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["status"] == target


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_status_form_refuses_other_moves(current, target):
    form = StatusForm(Vendor(status=current), {"status": target})
    assert not form.is_valid()
    assert "status" in form.errors


def test_status_form_refuses_unknown_status():
    assert not StatusForm(Vendor(status="candidate"), {"status": "bribed"}).is_valid()


def test_some_moves_are_refused():
    # Guards the table itself: a rejected vendor cannot jump straight to active.
    assert ("rejected", "active") in REFUSED
    assert ("candidate", "active") in REFUSED
    assert ("active", "candidate") in REFUSED


@pytest.mark.django_db
def test_tier_is_stored_on_save_and_follows_the_intake(staff):
    vendor = VendorFactory(owner=staff)
    assert Vendor.objects.get(pk=vendor.pk).inherent_tier == 3
    vendor.payment_cards = True
    vendor.save()
    assert Vendor.objects.get(pk=vendor.pk).inherent_tier == 1
    vendor.payment_cards = False
    vendor.personal_data = True
    vendor.record_volume = risk.VOLUME_UNDER_1K
    vendor.save()
    assert Vendor.objects.get(pk=vendor.pk).inherent_tier == 2


@pytest.mark.django_db
def test_tier_is_stored_even_when_saving_only_some_fields(staff):
    vendor = VendorFactory(owner=staff)
    vendor.sensitive_data = True
    vendor.save(update_fields=["sensitive_data"])
    assert Vendor.objects.get(pk=vendor.pk).inherent_tier == 1


def test_categories_are_stored_delimited_and_in_a_fixed_order():
    vendor = Vendor()
    vendor.set_categories(["it", "phone", "nonsense"])
    assert vendor.categories == ",phone,it,"
    assert vendor.category_list == ["phone", "it"]
    vendor.set_categories([])
    assert vendor.categories == ""


# --- Rules the database holds ---------------------------------------------------------------


def refused(**fields):
    """Whether the database refuses the row (the forms say why before it comes to this)."""
    from django.db import IntegrityError, transaction

    model = fields.pop("model")
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_certificate_valid_until_before_valid_from(db):
    from tests.factories import CertificationFactory

    vendor = CertificationFactory(valid_from=TODAY, valid_until=TODAY).vendor
    fields = {"model": Certification, "vendor": vendor, "kind": "pmark", "valid_until": TODAY}
    assert refused(**fields, valid_from=TODAY + timedelta(days=1))
    assert not refused(**fields, valid_from=None)
    assert Certification.objects.count() == 2


def test_the_database_refuses_a_contract_that_expires_before_it_was_signed(db):
    from vendors.models import Contract

    vendor = VendorFactory()
    fields = {"model": Contract, "vendor": vendor, "kind": "nda", "signed_on": TODAY}
    assert refused(**fields, expires_on=TODAY - timedelta(days=1))
    assert not refused(**fields, expires_on=TODAY)
    assert not refused(**fields, expires_on=None)
    assert not refused(model=Contract, vendor=vendor, kind="nda", expires_on=TODAY)


@pytest.mark.parametrize(
    ("url_name", "data", "field", "message"),
    [
        (
            "vendors:certification_create",
            {"kind": "pmark", "valid_from": "2030-04-01", "valid_until": "2030-03-31"},
            "valid_until",
            "The end of validity is before its start.",
        ),
        (
            "vendors:contract_create",
            {"kind": "nda", "signed_on": "2030-04-01", "expires_on": "2030-03-31"},
            "expires_on",
            "The contract expires before it was signed.",
        ),
    ],
    ids=["certificate", "contract"],
)
def test_the_form_says_why_dates_out_of_order_are_refused_first(
    client, staff, url_name, data, field, message
):
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext

    vendor = VendorFactory(owner=staff)
    client.force_login(staff)
    response = client.post(reverse(url_name, args=[vendor.pk]), data)
    assert response.status_code == 200
    with translation.override("ja"):
        # Only the friendly message, not the database rule's name as well.
        assert response.context["form"].errors == {field: [gettext(message)]}
    assert not vendor.certifications.exists() and not vendor.contracts.exists()
