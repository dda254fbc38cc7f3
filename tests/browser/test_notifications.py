import re
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from vendors.models import Certification, Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notified(staff):
    vendor = Vendor.objects.create(name="株式会社ベル通知", name_en="Bell Notify K.K.", owner=staff)
    today = timezone.localdate()
    for days, kind in ((25, "iso27001"), (5, "pmark"), (-2, "iso27017")):
        Certification.objects.create(
            vendor=vendor,
            kind=kind,
            registration_number="IS 1",
            valid_until=today + timedelta(days=days),
        )
    services.run_reminders(today, send=False)
    return vendor


def test_the_bell_shows_the_count_and_updates_without_a_reload(page, staff, notified):
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    count = page.locator("[data-testid=notification-count]")
    count.wait_for()
    assert count.inner_text() == "3"
    page.goto("/notifications/")
    assert page.locator("[data-testid=notification]").count() == 3
    assert page.locator("h1").inner_text() == "通知"
    screenshot(page, "notifications-ja")
    page.get_by_role("button", name="すべて既読にする").click()
    page.wait_for_url(re.compile(r"/notifications/"))
    assert page.locator("[data-testid=notification-count]").count() == 0
    page.click("[data-testid=lang-en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    # A new notification while the page is open reaches the bell by htmx polling (once
    # the bell fetched on load is in place).
    page.locator("#notification-bell[hx-trigger^=every]").wait_for(state="attached")
    from notifications.models import Notification

    Notification.objects.create(user=staff, kind="certificate_expired", context={}, url="/")
    # No wait for the minute: the refresh the poll would send, asked for until the bell
    # shows the count (htmx binds the new bell's listener just after it swaps it in).
    page.wait_for_function(
        """() => {
            htmx.trigger(document.body, "refresh-bell");
            return document.querySelector("[data-testid=notification-count]") !== null;
        }""",
        polling=500,
    )
    assert page.locator("[data-testid=notification-count]").inner_text() == "1"
    screenshot(page, "notifications-en")


def test_the_notifications_page_at_phone_width(page, staff, notified):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/notifications/")
    assert page.locator("[data-testid=notification]").count() == 3
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "notifications-phone-ja")
    page.click(".navbar-toggler")
    page.locator("[data-testid=notification-bell]").wait_for(state="visible")
    page.click("[data-testid=lang-en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    screenshot(page, "notifications-phone-en")
