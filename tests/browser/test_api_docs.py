"""The API documentation page works in Chromium under our CSP, from our own files."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_load_from_our_own_static_files(page, live_server, manager):
    from tests.browser.conftest import log_in

    outside, problems = [], []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, "bob")
    page.wait_for_url(f"{live_server.url}/")
    problems.clear()  # only this page's
    page.goto("/api/docs/")
    page.wait_for_selector("text=/api/v1/vendors/", timeout=20_000)
    screenshot(page, "api-docs")
    assert outside == []
    assert not [p for p in problems if "Content Security Policy" in p]
