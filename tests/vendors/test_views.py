import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from tests.factories import CertificationFactory, VendorFactory
from vendors import risk
from vendors.demo import PHONE_ENGAGEMENT
from vendors.models import Certification, Contact, Vendor

LIST = reverse("vendors:index")


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [v.name for v in response.context["page"].object_list]


@pytest.fixture
def registry(staff):
    """Three vendors that differ in every way the list can search, filter and sort."""
    today = timezone.localdate()
    sakura = VendorFactory(
        owner=staff,
        name="株式会社さくらコールサービス",
        name_kana="サクラコールサービス",
        name_en="Sakura Call Service",
        corporate_number="1180301018771",
        status=Vendor.Status.UNDER_REVIEW,
        categories=",phone,",
        sensitive_data=True,
    )
    kumo = VendorFactory(
        owner=staff,
        name="くもクラウド株式会社",
        name_kana="クモクラウド",
        name_en="Kumo Cloud",
        corporate_number="5010401067252",
        status=Vendor.Status.ACTIVE,
        categories=",it,bpo,",
        internal_system_access=True,
    )
    aozora = VendorFactory(
        owner=staff,
        name="あおぞら印刷",
        name_kana="アオゾラインサツ",
        name_en="Aozora Printing",
        status=Vendor.Status.CANDIDATE,
        categories=",printing,",
    )
    CertificationFactory(vendor=sakura, valid_until=today - timedelta(days=1))  # expired
    CertificationFactory(vendor=sakura, kind="pmark", valid_until=today + timedelta(days=400))
    CertificationFactory(vendor=kumo, valid_until=today + timedelta(days=90))  # expiring
    CertificationFactory(vendor=aozora, valid_until=today + timedelta(days=91))  # valid
    return sakura, kumo, aozora


SAKURA, KUMO, AOZORA = "株式会社さくらコールサービス", "くもクラウド株式会社", "あおぞら印刷"


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("さくら", [SAKURA]),
        ("クラウド", [KUMO]),  # kana reading and legal name
        ("インサツ", [AOZORA]),  # kana reading only
        ("sakura call", [SAKURA]),  # English, any case
        ("PRINTING", [AOZORA]),
        ("1180301018771", [SAKURA]),
        ("1-1803-0101-8771", [SAKURA]),  # as people type it
        ("５０１０４", [KUMO]),  # the start, full-width
        ("株式会社", [KUMO, SAKURA]),
        ("-", []),  # not "every corporate number starts with nothing"
        ("存在しない", []),
    ],
)
def test_search(client, staff, registry, q, found):
    client.force_login(staff)
    assert listed(client, q=q) == found


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"status": "active"}, [KUMO]),
        ({"status": "candidate"}, [AOZORA]),
        ({"tier": "1"}, [SAKURA]),
        ({"tier": "2"}, [KUMO]),
        ({"tier": "3"}, [AOZORA]),
        ({"category": "bpo"}, [KUMO]),
        ({"category": "phone"}, [SAKURA]),
        ({"category": "logistics"}, []),
        ({"cert": "expired"}, [SAKURA]),
        ({"cert": "expiring"}, [KUMO]),
        ({"cert": "expiring", "tier": "1"}, []),
        ({"status": "nonsense"}, [AOZORA, KUMO, SAKURA]),  # an invalid filter is ignored
    ],
)
def test_filters(client, staff, registry, params, found):
    client.force_login(staff)
    assert listed(client, **params) == found


def test_a_vendor_with_two_expired_certificates_is_listed_once(client, staff, registry):
    sakura = registry[0]
    CertificationFactory(
        vendor=sakura, kind="soc2", valid_until=timezone.localdate() - timedelta(days=9)
    )
    client.force_login(staff)
    response = client.get(LIST, {"cert": "expired"})
    assert [v.pk for v in response.context["page"].object_list] == [sakura.pk]
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", [AOZORA, KUMO, SAKURA]),  # アオゾラ < クモ < サクラ
        ("-name", [SAKURA, KUMO, AOZORA]),
        ("tier", [SAKURA, KUMO, AOZORA]),  # tier 1 first
        ("-tier", [AOZORA, KUMO, SAKURA]),
        ("status", [KUMO, AOZORA, SAKURA]),  # active < candidate < under_review
        ("", [AOZORA, KUMO, SAKURA]),
    ],
)
def test_sorting(client, staff, registry, sort, order):
    client.force_login(staff)
    assert listed(client, sort=sort) == order


def test_sorting_by_last_update(client, staff, registry):
    sakura, kumo, aozora = registry
    Vendor.objects.filter(pk=kumo.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    client.force_login(staff)
    assert listed(client, sort="updated")[0] == KUMO


def test_pagination_keeps_the_filters(client, staff):
    for n in range(30):
        VendorFactory(owner=staff, name=f"頁テスト{n:02d}", name_kana=f"ページ{n:02d}")
    VendorFactory(owner=staff, name="別件", name_kana="ベッケン")
    client.force_login(staff)
    first = client.get(LIST, {"q": "ページ"})
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 30
    assert "q=%E3%83%9A%E3%83%BC%E3%82%B8&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"q": "ページ", "page": "2"})
    assert [v.name for v in second.context["page"].object_list] == [
        f"頁テスト{n:02d}" for n in range(25, 30)
    ]
    assert client.get(LIST, {"q": "ページ", "page": "99"}).context["page"].number == 2


def vendor_data(**extra):
    data = {
        "name": "株式会社はやぶさ物流",
        "name_kana": "ハヤブサブツリュウ",
        "name_en": "Hayabusa Logistics",
        "corporate_number": "7000012050002",
        "category_codes": ["logistics", "other"],
        "tag_names": "配送、 重要 ,配送",
        "personal_data": "on",
        "record_volume": risk.VOLUME_1K_10K,
        "internal_system_access": "on",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "20",
        "contacts-0-name": "佐藤 花子",
        "contacts-0-email": "sato@example.com",
        "contacts-1-name": "",
    }
    data.update(extra)
    return data


def test_create_a_vendor_with_contacts(client, staff):
    client.force_login(staff)
    response = client.post(reverse("vendors:create"), vendor_data())
    vendor = Vendor.objects.get()
    assert response.status_code == 302
    assert response.url == vendor.get_absolute_url()
    assert vendor.owner == staff
    assert vendor.category_list == ["logistics", "other"]
    assert sorted(t.name for t in vendor.tags.all()) == ["配送", "重要"]
    assert vendor.inherent_tier == 1  # 1,000+ people and internal access
    assert list(vendor.contacts.values_list("name", flat=True)) == ["佐藤 花子"]


def test_create_with_errors_saves_nothing_and_keeps_the_input(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("vendors:create"),
        vendor_data(corporate_number="7000012050003", **{"contacts-0-email": "nope"}),
    )
    assert response.status_code == 200
    assert not Vendor.objects.exists()
    assert not Contact.objects.exists()
    page = response.content.decode()
    assert 'value="株式会社はやぶさ物流"' in page
    assert response.context["form"].errors["corporate_number"]
    assert response.context["contacts"].errors[0]["email"]


def test_edit_a_vendor_and_its_contacts(client, staff):
    client.force_login(staff)
    client.post(reverse("vendors:create"), vendor_data())
    vendor = Vendor.objects.get()
    contact = vendor.contacts.get()
    response = client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(
            name="株式会社はやぶさ物流ホールディングス",
            internal_system_access="",
            tag_names="配送",
            **{
                "contacts-TOTAL_FORMS": "2",
                "contacts-INITIAL_FORMS": "1",
                "contacts-0-id": str(contact.pk),
                "contacts-0-name": "佐藤 花子",
                "contacts-0-DELETE": "on",
                "contacts-1-name": "鈴木 一郎",
            },
        ),
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.name == "株式会社はやぶさ物流ホールディングス"
    assert vendor.owner == staff
    assert vendor.inherent_tier == 2
    assert [t.name for t in vendor.tags.all()] == ["配送"]
    assert list(vendor.contacts.values_list("name", flat=True)) == ["鈴木 一郎"]


def test_edit_form_shows_current_categories_and_tags(client, staff):
    client.force_login(staff)
    client.post(reverse("vendors:create"), vendor_data())
    vendor = Vendor.objects.get()
    response = client.get(reverse("vendors:edit", args=[vendor.pk]))
    assert 'value="配送, 重要"' in response.content.decode()
    assert response.context["form"]["category_codes"].value() == ["logistics", "other"]


def test_archive_hides_and_restore_shows_again(client, staff):
    vendor = VendorFactory(owner=staff, name="株式会社アーカイブ")
    client.force_login(staff)
    url = reverse("vendors:archive", args=[vendor.pk])
    assert client.post(url).status_code == 302
    assert Vendor.objects.get(pk=vendor.pk).is_archived
    assert listed(client) == []
    assert listed(client, archived="on") == ["株式会社アーカイブ"]
    detail = client.get(vendor.get_absolute_url())
    assert detail.status_code == 200  # archived vendors stay reachable
    client.post(url)
    assert not Vendor.objects.get(pk=vendor.pk).is_archived
    assert listed(client) == ["株式会社アーカイブ"]
    assert listed(client, archived="on") == []


def test_status_change_follows_the_lifecycle(client, staff):
    vendor = VendorFactory(owner=staff)
    client.force_login(staff)
    url = reverse("vendors:status", args=[vendor.pk])
    client.post(url, {"status": "active"})  # candidate cannot jump to active
    assert Vendor.objects.get(pk=vendor.pk).status == "candidate"
    client.post(url, {"status": "under_review"})
    assert Vendor.objects.get(pk=vendor.pk).status == "under_review"


def test_offboarding_records_when(client, admin_user):
    vendor = VendorFactory(owner=admin_user, status=Vendor.Status.ACTIVE)
    client.force_login(admin_user)
    client.post(reverse("vendors:status", args=[vendor.pk]), {"status": "offboarded"})
    vendor.refresh_from_db()
    assert vendor.status == "offboarded"
    assert vendor.offboarded_at is not None


def test_admin_deletes_a_vendor(client, admin_user, staff):
    vendor = VendorFactory(owner=staff)
    client.force_login(admin_user)
    response = client.post(reverse("vendors:delete", args=[vendor.pk]))
    assert response.status_code == 302
    assert response.url == LIST
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def test_admin_reassigns_owner_and_staff(client, admin_user, staff, other_staff, manager):
    vendor = VendorFactory(owner=staff)
    client.force_login(admin_user)
    url = reverse("vendors:assign", args=[vendor.pk])
    # Only procurement staff may own a vendor.
    response = client.post(url, {"owner": manager.pk})
    assert response.status_code == 200
    assert Vendor.objects.get(pk=vendor.pk).owner == staff
    response = client.post(url, {"owner": other_staff.pk, "assigned_staff": [staff.pk]})
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.owner == other_staff
    assert list(vendor.assigned_staff.all()) == [staff]


def test_history_shows_field_changes_with_the_remote_address(client, staff, manager):
    client.force_login(staff)
    client.post(reverse("vendors:create"), vendor_data(), REMOTE_ADDR="203.0.113.7")
    vendor = Vendor.objects.get()
    client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(name="株式会社はやぶさ急便", **{"contacts-TOTAL_FORMS": "0"}),
        REMOTE_ADDR="198.51.100.23",
    )
    client.post(
        reverse("vendors:certification_create", args=[vendor.pk]),
        {"kind": "pmark", "valid_until": "2030-01-31"},
        REMOTE_ADDR="198.51.100.24",
    )
    update = LogEntry.objects.get_for_object(vendor).filter(action=LogEntry.Action.UPDATE).first()
    assert update.changes_dict["name"] == ["株式会社はやぶさ物流", "株式会社はやぶさ急便"]
    assert update.actor == staff

    page = client.get(vendor.get_absolute_url()).content.decode()
    with translation.override("ja"):  # the field's name as the reader calls it
        label = capfirst(Vendor._meta.get_field("name").verbose_name)
    changed = (
        f'<span class="fw-semibold">{label}</span>: 株式会社はやぶさ物流 → 株式会社はやぶさ急便'
    )
    assert changed in page
    assert "佐藤 花子" in page
    # The addresses are kept for the audit log, not shown to every reader of the vendor page.
    assert "198.51.100.23" not in page
    client.force_login(manager)
    log = client.get(reverse("audit:changes"), {"vendor": "はやぶさ急便"}).content.decode()
    assert "198.51.100.23" in log
    assert "203.0.113.7" in log  # creation
    assert "198.51.100.24" in log  # its certification belongs to its history


def test_history_of_one_vendor_does_not_show_anothers(client, staff):
    client.force_login(staff)
    client.post(reverse("vendors:create"), vendor_data())
    client.post(
        reverse("vendors:create"),
        vendor_data(name="別の会社", corporate_number="", **{"contacts-0-name": "他社の人"}),
    )
    first = Vendor.objects.get(name="株式会社はやぶさ物流")
    history = client.get(first.get_absolute_url()).context["history_page"].object_list
    assert history
    assert all(e.additional_data["vendor_id"] == first.pk for e in history)


def counts():
    return (Vendor.objects.count(), Certification.objects.count(), Contact.objects.count())


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    assert first[0] >= 8
    phone = Vendor.objects.filter(engagement=PHONE_ENGAGEMENT, categories__contains=",phone,")
    assert phone.count() >= 3
    today = timezone.localdate()
    states = {c.state_on(today) for c in Certification.objects.all()}
    assert {Certification.State.EXPIRED, Certification.State.EXPIRING} <= states
    assert all(v.corporate_number and v.inherent_tier for v in Vendor.objects.all())


def test_seed_demo_adds_synthetic_vendors(db):
    call_command("seed_demo", stdout=io.StringIO())
    before = Vendor.objects.count()
    call_command("seed_demo", "--vendors", "5", stdout=io.StringIO())
    assert Vendor.objects.count() == before + 5
    synthetic = Vendor.objects.filter(name__startswith="合成テスト")
    assert synthetic.count() == 5
    assert all(v.inherent_tier == v.tier_result.tier for v in synthetic)


def test_pagination_links_keep_the_filters_and_replace_the_page(client, staff):
    from tests.factories import VendorFactory

    VendorFactory.create_batch(30, owner=staff, status="candidate")
    client.force_login(staff)
    response = client.get("/vendors/?status=candidate&page=1")
    content = response.content.decode()
    assert 'href="?status=candidate&amp;page=2"' in content
    assert "page=1&amp;page=2" not in content
