"""Real headless Chromium (Debian's) driven by Playwright against the live server."""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop vs the ORM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ConsoleErrors:
    """Every error the browser's console shows (a CSP refusal, a failed script, a resource
    that failed to load) fails the test, unless the test allows it by pattern first,
    as a test that visits a 404 page on purpose does."""

    def __init__(self):
        self.seen = []
        self.allowed = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def watch(self, context) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda error: self.seen.append(f"uncaught: {error.error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.seen.append(f"{message.text} ({where})")

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console_errors():
    return ConsoleErrors()


@pytest.fixture
def browser(chromium_path, console_errors):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            console_errors.watch(context)
            return context

        browser.new_context = watched_context  # every context a test opens is watched
        try:
            yield browser
        finally:
            browser.close()
    if unexpected := console_errors.unexpected():
        pytest.fail("The browser console showed errors:\n" + "\n".join(unexpected))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


# Give page.wait_for_function a function ("() => ..."): a bare expression is run through
# eval() in the page when it is polled again, and the CSP (no 'unsafe-eval') refuses it.


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, username: str, password: str = "correct-horse-battery") -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


@pytest.fixture(scope="session", autouse=True)
def _no_lingering_server_connections(django_db_setup, django_db_blocker):
    """The live server answers Chromium on daemon threads; one still parked on a
    keep-alive connection when the session ends keeps its PostgreSQL connection open,
    and the test database then cannot be dropped. Close those before it is."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
