"""Single sign-on in real Chromium against a real OpenID provider (node's oidc-provider,
started by the test on 127.0.0.1): first login creates the account with the role its
groups map to, the role follows the provider, an unmapped person is refused, and a TOTP
device does not stand in the way of an SSO login. No part of the protocol is mocked."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from accounts import roles
from accounts.models import SingleSignOnIdentity, User
from tests.browser.conftest import CHROMIUM_ARGS, screenshot

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(live_server):
    from tests.conftest import need

    if not shutil.which("node") or not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        need("node and tests/oidc_provider/node_modules (scripts/install-system-deps.sh --test)")
    port = free_port()
    callback = f"{live_server.url}/oidc/callback/"
    process = subprocess.Popen(
        ["node", "provider.mjs", str(port), callback],
        cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the OpenID provider did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def sso(settings, provider):
    settings.OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = "duediligence"
    settings.OIDC_RP_CLIENT_SECRET = "duediligence-test-secret"
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_ROLE_MAP = {
        "dd-admins": roles.ADMIN,
        "dd-managers": roles.MANAGER,
        "dd-staff": roles.PROCUREMENT,
    }
    settings.OIDC_CREATE_USERS = True
    return provider


@pytest.fixture
def page(chromium_path, live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="ja-JP")

        def local_only(route):
            # The provider's development pages @import a web font: nothing leaves this machine.
            host = urlsplit(route.request.url).hostname
            if host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", local_only)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def sso_login(page, login: str):
    page.goto("/login/")
    page.get_by_test_id("sso-login").click()
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    if page.locator("input[name=prompt][value=consent]").count():
        page.click("button[type=submit]")


def test_first_sso_login_creates_the_account_with_the_mapped_role(sso, page, live_server):
    page.goto("/login/")
    assert page.get_by_test_id("sso-login").inner_text() == "組織のアカウントでログイン"
    screenshot(page, "sso-login-ja")
    sso_login(page, "tanaka")
    page.wait_for_url(f"{live_server.url}/")
    user = User.objects.get(username="tanaka")
    assert user.role == roles.MANAGER
    assert (user.last_name, user.first_name, user.email) == ("田中", "太郎", "tanaka@example.co.jp")
    assert not user.has_usable_password()
    identity = SingleSignOnIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (sso, "tanaka")
    screenshot(page, "sso-dashboard-manager")


def test_the_role_follows_the_provider_and_an_unmapped_person_is_refused(sso, page, live_server):
    # suzuki was a manager here; the provider says procurement staff, and wins.
    from tests.conftest import make_user

    existing = make_user("suzuki-local", roles.MANAGER)
    User.objects.filter(pk=existing.pk).update(email="suzuki@example.co.jp")
    sso_login(page, "suzuki")
    page.wait_for_url(f"{live_server.url}/")
    existing = User.objects.get(pk=existing.pk)
    assert existing.role == roles.PROCUREMENT  # linked by the verified e-mail address
    assert SingleSignOnIdentity.objects.get(subject="suzuki").user == existing
    page.context.clear_cookies()
    sso_login(page, "sato")  # only "all-employees": no role of ours
    page.wait_for_url("**/login/?sso=failed")
    assert not User.objects.filter(email="sato@example.co.jp").exists()


def test_an_sso_login_is_not_asked_for_the_local_totp_code(sso, page, live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import make_user

    user = make_user("tanaka", roles.MANAGER)
    User.objects.filter(pk=user.pk).update(email="tanaka@example.co.jp")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sso_login(page, "tanaka")
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/accounts/profile/")
    assert "/two-factor/verify/" not in page.url


def test_the_login_page_offers_sso_in_english(sso, page):
    page.goto("/login/")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.goto("/login/")
    assert page.get_by_test_id("sso-login").inner_text() == "Log in with your organisation"
    screenshot(page, "sso-login-en")
