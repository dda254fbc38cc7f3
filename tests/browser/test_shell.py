import pytest

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_see_japanese_dashboard_and_switch_to_english(page, staff):
    log_in(page, "charlie")
    page.wait_for_url(lambda url: url.endswith("/") and "/login" not in url)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "ダッシュボード"
    assert page.get_by_role("link", name="委託先").first.is_visible()
    screenshot(page, "shell-dashboard-ja")

    page.click("[data-testid=lang-en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.get_by_role("link", name="Vendors").first.is_visible()
    page.reload()
    assert page.locator("h1").inner_text() == "Dashboard"  # the choice persists


def test_phone_width_collapses_navigation(page, staff):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "charlie")
    page.wait_for_url(lambda url: url.endswith("/") and "/login" not in url)
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    nav_link = page.locator("#main-nav").get_by_role("link", name="委託先")
    assert not nav_link.is_visible()
    toggler.click()
    nav_link.wait_for(state="visible")
    screenshot(page, "shell-phone-ja")
