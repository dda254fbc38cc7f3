"""Answering against a slow server: a save in flight swaps only what it changed (the
item's status, the progress and the score) and never a field the user is typing in."""

import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from questionnaires.checklists import install_default_checklist
from vendors.models import Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW = 0.8  # seconds per save, as the slow server that lost a comment


@pytest.fixture
def assessment(staff, manager):
    install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社低速回線", owner=staff)
    return services.start_assessment(vendor, user=staff, reviewer=manager)


def stored(assessment, code):
    answer = assessment.answers.filter(item__code=code).first()
    return (answer.value, answer.comment) if answer else None


def test_a_comment_typed_during_a_slow_save_survives(page, settings, assessment):
    settings.SLOW_SAVES_SECONDS = SLOW
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:section", args=[assessment.pk, "CON"]))
    progress = page.locator("#section-nav [data-progress=CON]")
    assert re.search(r"\b0/\d+", progress.inner_text())

    comment = "NDAは2024年4月1日に締結済み。原本は法務部で保管。"
    with page.expect_response(lambda r: r.url.endswith("/items/CON-01/answer/")) as saved:
        page.click("label[for=v-CON-01-yes]")
        # While CON-01's save is in flight, the user types into another item's comment.
        page.locator("#c-CON-02").press_sequentially(comment, delay=15)
    assert saved.value.status == 200
    page.wait_for_function("() => document.querySelector('#rev-CON-01').value === '1'")
    assert page.locator("#c-CON-02").input_value() == comment
    assert page.locator("#c-CON-02").evaluate("el => el === document.activeElement")
    assert page.locator("#v-CON-01-yes").is_checked()
    # The summaries moved on out of band.
    assert re.search(r"\b1/\d+", progress.inner_text())

    # Leaving CON-02's comment saves it (change); during that save the user types into
    # CON-01's comment, which the answer for CON-02 must not touch either.
    with page.expect_response(lambda r: r.url.endswith("/items/CON-02/answer/")):
        page.locator("#c-CON-01").press_sequentially("確認済み", delay=15)
    assert page.locator("#c-CON-01").input_value() == "確認済み"
    # CON-01's own comment saves with the revision its first save brought: no conflict.
    with page.expect_response(lambda r: r.url.endswith("/items/CON-01/answer/")):
        page.locator("#c-CON-03").focus()
    page.wait_for_function("() => document.querySelector('#rev-CON-01').value === '2'")
    assert page.locator(".alert-warning").count() == 0
    assert stored(assessment, "CON-01") == ("yes", "確認済み")
    assert stored(assessment, "CON-02") == (None, comment)
    assert page.locator("#c-CON-02").input_value() == comment
    screenshot(page, "answering-slow-save")


def test_a_number_typed_on_during_its_own_save_is_not_replaced(page, settings, assessment):
    """２４ is stored as 24 and the field shows it; typed on while that save was in flight,
    the field keeps the newer text and the next save sends it."""
    settings.SLOW_SAVES_SECONDS = SLOW
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:section", args=[assessment.pk, "INC"]))
    number = page.locator("#v-INC-01")
    number.fill("２４")
    with page.expect_response(lambda r: r.url.endswith("/items/INC-01/answer/")) as first:
        number.press("Tab")  # change: the save leaves
        number.focus()
        number.fill("48")  # typed on before the answer came back
    assert first.value.status == 200
    page.wait_for_function("() => document.querySelector('#rev-INC-01').value === '1'")
    assert number.input_value() == "48"
    with page.expect_response(lambda r: r.url.endswith("/items/INC-01/answer/")):
        number.press("Tab")
    page.wait_for_function("() => document.querySelector('#rev-INC-01').value === '2'")
    assert stored(assessment, "INC-01")[0] == 48
    assert number.input_value() == "48"


def test_a_conditional_item_appears_in_place_and_keeps_its_text(page, settings, assessment):
    settings.SLOW_SAVES_SECONDS = SLOW
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:section", args=[assessment.pk, "SUB"]))
    assert page.locator("#item-SUB-02").is_hidden()
    with page.expect_response(lambda r: r.url.endswith("/items/SUB-01/answer/")):
        page.click("label[for=v-SUB-01-yes]")
        page.locator("#c-SUB-01").press_sequentially("再委託先は2社")
    page.locator("#item-SUB-02").wait_for(state="visible")
    assert page.locator("#item-SUB-02").get_attribute("data-visible") == "true"
    assert page.locator("#c-SUB-01").input_value() == "再委託先は2社"
    with page.expect_response(lambda r: r.url.endswith("/items/SUB-01/answer/")):
        page.click("label[for=v-SUB-01-no]")
    page.locator("#item-SUB-02").wait_for(state="hidden")
    assert page.locator("#c-SUB-01").input_value() == "再委託先は2社"


def test_the_section_list_stays_in_view_and_leads_on(page, assessment):
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:section", args=[assessment.pk, "POL"]))
    page.mouse.wheel(0, 4000)
    page.wait_for_function("() => window.scrollY > 1000")
    assert page.locator("#section-nav").is_visible()
    box = page.locator("#section-nav").bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"]
    page.locator(".section-pager a[rel=next]").click()
    page.wait_for_url(re.compile(r"/sections/OPE/$"))
    page.locator(".section-pager a[rel=prev]").click()
    page.wait_for_url(re.compile(r"/sections/POL/$"))


def test_at_390_px_the_section_list_is_one_bar_that_opens(browser, live_server, assessment):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        log_in(page, "charlie")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(reverse("assessments:section", args=[assessment.pk, "POL"]))
        assert page.locator("#section-nav").is_hidden()
        toggle = page.locator(".section-switcher button")
        page.mouse.wheel(0, 3000)
        page.wait_for_function("() => window.scrollY > 1000")
        assert toggle.is_visible()  # the bar stays at the top while the items scroll
        assert toggle.bounding_box()["y"] < 100
        toggle.click()
        page.locator("#section-nav").wait_for(state="visible")
        page.locator("#section-nav").get_by_role("link", name=re.compile("事故発生時")).click()
        page.wait_for_url(re.compile(r"/sections/INC/$"))
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_a_new_assessment_shows_progress_not_a_rating(page, assessment):
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    panel = page.locator("#score-panel")
    # The scope answers come from the vendor's intake, so a few are answered already.
    answered = assessment.answers.count()
    assert ("回答中" if answered else "未回答") in panel.inner_text()
    assert f"項目中{answered}項目に回答済み" in panel.inner_text()
    assert panel.locator("[data-rating=E]").count() == 0
    assert page.locator("#score-summary [data-rating=E]").count() == 0
    assert "重大" not in panel.inner_text()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
