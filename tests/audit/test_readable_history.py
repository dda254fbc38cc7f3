"""The audit log and the vendor page's history read as the reader's language writes
things: answers in the checklist's words, choice labels, numbers with their unit, dates
in Japan time, long texts shortened with the whole on demand, the vendor and assessment
on every entry, one entry per answer save, a short paged history, a vendor filter by
name, and a fixed number of queries however many entries a page shows."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Answer
from tests.factories import VendorFactory, approved_assessment, published_version

LONG = "委託先の運用手順は次のとおりです。" * 12


@pytest.fixture
def vendor(staff):
    return VendorFactory(name="株式会社履歴テスト", owner=staff)


@pytest.fixture
def assessment(vendor, staff, manager):
    published_version()
    return services.start_assessment(vendor, user=staff, reviewer=manager)


def save(assessment, code, value, staff, comment=""):
    item = assessment.version.items.get(code=code)
    return services.save_answer(assessment, item, value=value, comment=comment, user=staff)


def log(client, language="ja", **params):
    client.cookies["django_language"] = language
    return client.get(reverse("audit:changes"), params).content.decode()


def answer_entries(assessment):
    answer_type = ContentType.objects.get_for_model(Answer)
    return LogEntry.objects.filter(
        content_type=answer_type, additional_data__assessment_id=assessment.pk
    )


def test_one_answer_save_makes_one_entry(assessment, staff):
    save(assessment, "CON-01", "yes", staff)
    assert answer_entries(assessment).count() == 1
    save(assessment, "CON-01", "partial", staff)
    assert list(answer_entries(assessment).order_by("pk").values_list("action", flat=True)) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
    ]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ja", ["はい → 一部", "72 時間", "プライバシーマーク", "年", "日 "]),
        ("en", ["Yes → Partly", "72 hours", "Privacy Mark", ", 20"]),
    ],
)
def test_answers_read_in_the_checklists_words_with_vendor_and_assessment(
    client, manager, assessment, staff, language, words
):
    save(assessment, "CON-01", "yes", staff)
    save(assessment, "CON-01", "partial", staff)
    save(assessment, "INC-01", 72, staff)
    save(assessment, "POL-03", ["pmark", "iso27001"], staff)
    save(assessment, "POL-04", "2026-04-01", staff, comment=LONG)
    client.force_login(manager)
    page = log(client, language)
    for word in words:
        assert word in page, word
    assert '"partial"' not in page and "\\u" not in page and "null" not in page
    assert "['pmark'" not in page and '["pmark"' not in page
    # Every entry names its vendor and assessment, with links.
    assert page.count(f'href="{assessment.vendor.get_absolute_url()}"') >= 5
    assert reverse("assessments:detail", args=[assessment.pk]) in page
    # A long comment is shortened; the whole opens in place.
    assert "<details" in page and LONG in page.replace("<br>", "")
    # An answer's record is its item, not "CON-01: partial".
    assert "CON-01: partial" not in page and "CON-01 " in page


def test_approval_shows_no_score_json(client, manager, staff, vendor):
    published_version()
    approved_assessment(vendor, staff, manager)
    client.force_login(manager)
    page = log(client, "ja")
    assert '"overall"' not in page and "residual_matrix" not in page and "{&quot;" not in page
    assert "承認済み" in page


def test_the_filter_takes_a_vendor_by_name(client, manager, staff, assessment):
    other = VendorFactory(name="別の委託先", owner=staff)
    other.name_en = "Other Corp"
    other.save()
    save(assessment, "CON-01", "yes", staff)
    client.force_login(manager)
    client.cookies["django_language"] = "ja"
    mine = client.get(reverse("audit:changes"), {"vendor": "履歴テスト"})
    vendors = {e.vendor.pk for e in mine.context["page"] if e.vendor}
    assert vendors == {assessment.vendor.pk}
    theirs = client.get(reverse("audit:changes"), {"vendor": "other corp"})
    assert {e.vendor.pk for e in theirs.context["page"] if e.vendor} == {other.pk}
    nobody = client.get(reverse("audit:changes"), {"vendor": "存在しない"})
    assert len(nobody.context["page"]) == 0
    page = mine.content.decode()
    assert 'name="vendor"' in page and 'type="search"' in page and "委託先ID" not in page
    csv = client.get(reverse("audit:changes"), {"vendor": "履歴テスト", "format": "csv"})
    body = csv.content.decode("utf-8-sig")
    assert "株式会社履歴テスト" in body and "はい" in body


def test_the_audit_page_has_a_fixed_number_of_queries(
    client, manager, staff, vendor, django_assert_max_num_queries
):
    published_version()
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    codes = list(
        assessment.version.items.filter(answer_type="yes_no").values_list("code", flat=True)
    )
    for code in codes[:2]:
        save(assessment, code, "yes", staff)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:changes"))
    for n in range(3):
        other = VendorFactory(name=f"株式会社追加{n}", owner=staff)
        more = services.start_assessment(other, user=staff, reviewer=manager)
        for code in codes[:12]:
            save(more, code, "no", staff)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("audit:changes"))


def test_the_vendor_page_shows_a_short_paged_history(client, staff, other_staff, assessment):
    codes = list(
        assessment.version.items.filter(answer_type="yes_no").values_list("code", flat=True)
    )
    for code in codes[:25]:
        save(assessment, code, "yes", staff)
    client.force_login(staff)
    client.cookies["django_language"] = "ja"
    page = client.get(assessment.vendor.get_absolute_url())
    history = page.context["history_page"]
    assert len(history) == 10 and history.paginator.num_pages >= 3
    html = page.content.decode()
    assert html.count("data-entry=") == 10
    older = reverse("audit:vendor_history", args=[assessment.vendor.pk]) + "?page=2"
    assert f'hx-get="{older}"' in html and f'href="{older}"' in html
    # htmx gets the panel alone; without JavaScript the link opens a page of its own.
    fragment = client.get(older, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="vendor-history"') and "<html" not in fragment
    full = client.get(older).content.decode()
    assert "<html" in full and full.count("data-entry=") == 10
    assert client.get(older.replace("page=2", "page=x")).status_code == 200
    # Someone who may not see the vendor gets nothing.
    outsider = Client()
    outsider.force_login(other_staff)
    assert outsider.get(older).status_code == 404


@pytest.mark.parametrize("entries", [3, 30])
def test_the_vendor_page_query_count_does_not_grow_with_its_history(
    client, staff, assessment, entries, django_assert_max_num_queries
):
    codes = list(
        assessment.version.items.filter(answer_type="yes_no").values_list("code", flat=True)
    )
    for code in codes[:entries]:
        save(assessment, code, "partial", staff)
    client.force_login(staff)
    client.get(assessment.vendor.get_absolute_url())
    with django_assert_max_num_queries(VENDOR_PAGE_QUERIES):
        client.get(assessment.vendor.get_absolute_url())


VENDOR_PAGE_QUERIES = 27  # the history: count, page, vendors, assessments, answers, related names
