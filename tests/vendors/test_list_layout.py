"""The vendor list in Japanese: certification badges carry their whole (short) name and
say in words what the ✕ and ! marks mean, a legend explains them, and the count of
folded-away filters is shown on the phone's button."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import CertificationFactory, make_vendor
from vendors.models import Certification

LIST = reverse("vendors:index")


@pytest.fixture
def certified(staff):
    vendor = make_vendor(staff, "株式会社しるし")
    today = timezone.localdate()
    CertificationFactory(vendor=vendor, kind=Certification.Kind.PMARK)
    CertificationFactory(
        vendor=vendor, kind=Certification.Kind.ISO27001, valid_until=today + timedelta(days=30)
    )
    CertificationFactory(
        vendor=vendor, kind=Certification.Kind.ISMAP, valid_until=today - timedelta(days=1)
    )
    return vendor


def page(client, user, language="ja", **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def test_badges_show_the_whole_name_and_say_what_their_marks_mean(client, staff, certified):
    html = page(client, staff)
    assert ">プライバシーマーク<" in html  # not 「プライバシーマーク（JIS Q 1…」
    assert "…" not in html.split('data-testid="cert-legend"')[0].split("<tbody>")[1]
    assert (
        '<span aria-hidden="true">!</span><span class="visually-hidden">（90日以内に期限切れ）'
        in html
    )
    assert '<span aria-hidden="true">✕</span><span class="visually-hidden">（期限切れ）' in html
    # The full name, the date and the state on hover.
    assert 'title="プライバシーマーク（JIS Q 15001） · ' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ja", ["認証の記号：", "期限切れ、または無効になった旧版", "90日以内に期限切れ"]),
        ("en", ["Certification marks:", "expired or an edition", "expires within 90 days"]),
    ],
)
def test_a_legend_explains_the_marks(client, staff, certified, language, words):
    html = page(client, staff, language)
    legend = html.split('data-testid="cert-legend"')[1].split("</p>")[0]
    for word in words:
        assert word in legend


def test_headers_do_not_break_inside_a_word(client, staff, certified):
    html = page(client, staff)
    assert '<thead class="table-light"><tr class="text-nowrap">' in html


def test_the_phone_button_counts_the_filters_it_folds_away(client, staff, certified):
    html = page(client, staff, status="active", tier="1", q="しるし", sort="name")
    button = html.split('data-bs-target="#vendor-filters"')[1].split("</button>")[0]
    assert '<span class="badge text-bg-secondary">2</span>' in button
    assert (
        "badge"
        not in page(client, staff)
        .split('data-bs-target="#vendor-filters"')[1]
        .split("</button>")[0]
    )
