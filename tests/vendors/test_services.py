"""Vendor services take plain keyword data, not forms."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments.services import start_assessment
from questionnaires.checklists import install_default_checklist
from vendors import services
from vendors.models import Vendor


def test_save_vendor_creates_with_tags_categories_and_contacts(staff):
    vendor = services.save_vendor(
        user=staff,
        name="株式会社さくら",
        name_kana="サクラ",
        categories=[Vendor.Category.PHONE],
        tags=["電話代行", "候補"],
        contacts=[{"name": "佐藤 一郎", "email": "sato@example.jp"}],
    )
    vendor.refresh_from_db()
    assert vendor.owner == staff
    assert vendor.category_list == [Vendor.Category.PHONE]
    assert sorted(t.name for t in vendor.tags.all()) == ["候補", "電話代行"]
    assert [c.email for c in vendor.contacts.all()] == ["sato@example.jp"]


def test_save_vendor_updates_and_removes_contacts_but_keeps_the_owner(staff, other_staff):
    vendor = services.save_vendor(
        user=staff, name="A社", contacts=[{"name": "甲", "email": "a@example.jp"}]
    )
    contact = vendor.contacts.get()
    services.save_vendor(
        user=other_staff,
        vendor=vendor,
        name="A社（更新）",
        contacts=[{"name": "乙", "email": "b@example.jp"}],
        removed_contacts=[contact.pk],
    )
    vendor.refresh_from_db()
    assert vendor.name == "A社（更新）"
    assert vendor.owner == staff
    assert [c.name for c in vendor.contacts.all()] == ["乙"]


def test_assign_sets_owner_and_staff(staff, other_staff, admin_user):
    vendor = services.save_vendor(user=staff, name="B社")
    services.assign(vendor, owner=other_staff, assigned_staff=[staff])
    vendor.refresh_from_db()
    assert vendor.owner == other_staff
    assert list(vendor.assigned_staff.all()) == [staff]


def test_delete_vendor_with_assessments_is_refused_with_a_message(staff, manager):
    install_default_checklist()
    vendor = services.save_vendor(user=staff, name="C社")
    start_assessment(vendor, user=staff, reviewer=manager)
    with translation.override("en"), pytest.raises(ValidationError, match="archive it"):
        services.delete_vendor(vendor)
    assert Vendor.objects.filter(pk=vendor.pk).exists()
    empty = services.save_vendor(user=staff, name="D社")
    services.delete_vendor(empty)
    assert not Vendor.objects.filter(pk=empty.pk).exists()
