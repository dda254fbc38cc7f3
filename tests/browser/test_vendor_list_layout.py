"""The vendor list as a Japanese reader sees it in Chromium: every filter shows its whole
label (「すべてのステータス」, not 「すべてのステータ」), no header breaks inside a word,
certification badges are not cut, and at 390 px each vendor is a card that reads line by
line, with the drop-downs folded behind one button. Screenshots in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CertificationFactory, make_vendor
from vendors.models import Certification

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each select: does its shown option fit between the paddings (the arrow sits in the right one)?
SELECTS_FIT = """() => [...document.querySelectorAll('form[role=search] select')].map(s => {
  const cs = getComputedStyle(s);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  const text = s.options[s.selectedIndex].text;
  const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  return {name: s.name, text, fits: ctx.measureText(text).width <= room};
})"""
# Each header: on how many lines does its text lie?
HEADERS_ONE_LINE = """() => [...document.querySelectorAll('.vendor-table thead th')]
  .filter(th => th.offsetParent !== null)
  .map(th => {
    const range = document.createRange();
    range.selectNodeContents(th);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return {text: th.innerText, lines: tops.size};
  })"""


@pytest.fixture
def listed(staff):
    today = timezone.localdate()
    for n, name in enumerate(["株式会社あおぞらテレサポート", "株式会社さくらコールサービス"]):
        vendor = make_vendor(staff, name, tier=1 + n, name_en="Aozora Telesupport K.K.")
        CertificationFactory(vendor=vendor, kind=Certification.Kind.PMARK)
        CertificationFactory(
            vendor=vendor, kind=Certification.Kind.ISO27001, valid_until=today + timedelta(days=9)
        )
        CertificationFactory(
            vendor=vendor, kind=Certification.Kind.ISMAP, valid_until=today - timedelta(days=9)
        )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_desktop_filters_headers_and_badges_fit(page, staff, listed, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    if language == "en":
        page.click("[data-testid=lang-en]")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.goto("/vendors/")
    cut = [s for s in page.evaluate(SELECTS_FIT) if not s["fits"]]
    assert cut == []
    broken = [h for h in page.evaluate(HEADERS_ONE_LINE) if h["lines"] > 1]
    assert broken == []
    badges = page.locator(".badge-cert").all_inner_texts()
    assert badges and not any("…" in b for b in badges)
    assert page.get_by_test_id("cert-legend").is_visible()
    screenshot(page, f"vendor-list-{language}")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_phone_shows_cards_and_folds_the_filters(page, staff, listed, language):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    if language == "en":
        page.goto("/")
        page.locator(".navbar-toggler").click()
        page.click("[data-testid=lang-en]")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.goto("/vendors/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    status = page.locator("#id_status")
    assert not status.is_visible()  # folded away
    page.locator("[data-bs-target='#vendor-filters']").click()
    status.wait_for(state="visible")
    cut = [s for s in page.evaluate(SELECTS_FIT) if not s["fits"]]
    assert cut == []
    # A card: the name runs across the card, not one character per line.
    name = page.locator(".vendor-table tbody tr").first.locator("td.stack-head a")
    box = name.bounding_box()
    assert box["width"] > 200 and box["height"] < 80
    assert page.locator(".vendor-table tbody tr").first.locator(".badge-cert").count() == 3
    screenshot(page, f"vendor-list-390-{language}")
