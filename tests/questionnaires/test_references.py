"""Japanese conventions on Japanese pages: APPI articles as 第23条 (Art. 23 in English),
ISO controls always as A.5.1, the Privacy Mark's standard printed once, the publish-date
column called 公開日, and names family name first everywhere."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from questionnaires import references
from tests.factories import CertificationFactory, VendorFactory, published_version
from vendors.models import Certification


@pytest.mark.parametrize(
    ("stored", "ja", "en"),
    [
        ("Art. 23", "第23条", "Art. 23"),
        ("Art. 7(iv)", "第7条第4号", "Art. 7(iv)"),
        ("Art. 26(1)", "第26条第1項", "Art. 26(1)"),
        ("第23条", "第23条", "Art. 23"),
        ("第７条第４号", "第7条第4号", "Art. 7(iv)"),
        ("Guidelines 3-4", "Guidelines 3-4", "Guidelines 3-4"),
    ],
)
def test_articles_are_written_as_the_language_writes_them(stored, ja, en):
    assert references.article(stored, "ja") == ja
    assert references.article(stored, "en") == en


def test_controls_are_written_one_way():
    assert references.controls(["5.1", "A.8.12"], "ja") == "A.5.1、A.8.12"
    assert references.controls(["5.1", "A.8.12"], "en") == "A.5.1, A.8.12"


def test_the_editor_stores_what_a_japanese_admin_types_as_the_neutral_form():
    assert references.canonical_article("第23条") == "Art. 23"
    assert references.canonical_article("法第26条第1項") == "Art. 26(1)"
    assert references.canonical_article("第7条第4号") == "Art. 7(iv)"


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [("ja", ["第23条", "A.5.1"], ["Art. 23"]), ("en", ["Art. 23", "A.5.1"], ["第23条"])],
)
def test_the_section_and_checklist_pages_follow_the_language(
    staff, admin_user, manager, language, present, absent
):
    version = published_version()
    vendor = VendorFactory(owner=staff)
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    item = version.items.filter(appi__contains=["Art. 23"]).select_related("section").first()
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(staff)
    section = client.get(
        reverse("assessments:section", args=[assessment.pk, item.section.code])
    ).content.decode()
    client.force_login(admin_user)
    checklist = client.get(reverse("questionnaires:version", args=[version.pk])).content.decode()
    for page in (section, checklist):
        for text in present:
            assert text in page
        for text in absent:
            assert text not in page
    assert "ISO/IEC 27001 5." not in section


def test_the_privacy_mark_names_its_standard_once(staff):
    cert = CertificationFactory(
        vendor=VendorFactory(owner=staff),
        kind=Certification.Kind.PMARK,
        edition=Certification.Edition.JISQ15001_2017,
    )
    with translation.override("ja"):
        assert cert.display_name == "プライバシーマーク（JIS Q 15001:2017）"
    client = Client()
    client.force_login(staff)
    client.cookies["django_language"] = "ja"
    page = client.get(cert.vendor.get_absolute_url()).content.decode()
    assert "プライバシーマーク（JIS Q 15001:2017）" in page
    assert "JIS Q 15001） JIS Q 15001" not in page and "JIS Q 15001）<div" not in page


def test_the_publish_date_column_is_called_publish_date(admin_user):
    published_version()
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("questionnaires:checklist")).content.decode()
    assert "<th>公開日</th>" in page and "<th>公開中</th>" not in page


def test_names_are_family_name_first_everywhere(client, manager):
    assert str(manager) == manager.get_full_name() == "審査 ボブ"
    client.force_login(manager)
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("dashboard")).content.decode()
    assert "ようこそ、審査 ボブ さん" in page
