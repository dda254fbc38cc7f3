"""The findings list as a manager uses it: the vendor typed by name (no list of every
vendor), in Japanese and English, on a desktop and on a phone."""

import pytest

from assessments import services
from tests.factories import answer_everything, make_vendor, published_version, submit

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEAK = {"CON-01": "no", "PHY-05": "no", "POL-02": "no"}


@pytest.fixture
def two_vendors(staff, manager):
    published_version()
    vendors = []
    for name in ("株式会社はやぶさ物流", "株式会社つばめ電話代行"):
        vendor = make_vendor(staff, name)
        assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
        answer_everything(assessment, staff, WEAK)
        submit(assessment, staff)
        vendors.append(vendor)
    return vendors


@pytest.mark.parametrize(
    ("language", "typed", "label"),
    [("ja", "ハヤブサ", "委託先"), ("en", "はやぶさ", "Vendor")],
)
def test_the_vendor_is_found_by_the_name_typed(
    page, live_server, two_vendors, manager, language, typed, label
):
    log_in(page, "bob")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/findings/")
    rows = page.locator("tbody tr")
    assert rows.count() == 6
    field = page.get_by_label(label, exact=True)
    assert field.evaluate("element => element.tagName") == "INPUT"
    field.fill(typed)
    with page.expect_navigation():
        field.press("Enter")
    assert rows.count() == 3
    assert all("はやぶさ" in rows.nth(n).inner_text() for n in range(3))
    assert page.get_by_label(label, exact=True).input_value() == typed  # kept
    screenshot(page, f"findings-by-vendor-name-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"findings-by-vendor-name-{language}-390")


@pytest.mark.parametrize(
    ("language", "all_of_them"), [("ja", "株式会社はやぶさ物流以外も表示"), ("en", "Not only")]
)
def test_from_the_vendor_page_the_list_keeps_one_vendor_until_let_go(
    page, live_server, two_vendors, manager, language, all_of_them
):
    log_in(page, "bob")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"/findings/?vendor={two_vendors[0].pk}")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert "株式会社はやぶさ物流" in page.locator("h1").inner_text()
    let_go = page.get_by_test_id("all-vendors")
    assert all_of_them in let_go.inner_text()
    screenshot(page, f"findings-of-one-vendor-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"findings-of-one-vendor-{language}-390")
    with page.expect_navigation():
        let_go.click()
    assert rows.count() == 6
    assert page.get_by_test_id("all-vendors").count() == 0
