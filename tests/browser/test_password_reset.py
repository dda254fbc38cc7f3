"""Password reset in a real browser, in Japanese and in English: from the login page
to the new password, with the link taken from the message the app sent."""

import re

import pytest
from django.core import mail

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Shinkansen-Hikari-300"


@pytest.mark.parametrize(
    ("language", "forgot", "sent", "changed"),
    [
        (
            "ja",
            "パスワードをお忘れの方",
            "メールを確認してください",
            "新しいパスワードを設定しました",
        ),
        ("en", "Forgot your password?", "Check your e-mail", "Your new password is set"),
    ],
)
def test_resetting_a_forgotten_password(page, live_server, staff, language, forgot, sent, changed):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/login/")
    page.get_by_role("link", name=forgot).click()
    screenshot(page, f"password-reset-form-{language}")
    page.fill("input[name=email]", "charlie@example.com")
    page.click("main form button[type=submit]")
    page.get_by_text(sent).first.wait_for()
    screenshot(page, f"password-reset-sent-{language}")
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    screenshot(page, f"password-reset-confirm-{language}")
    page.click("main form button[type=submit]")
    page.get_by_text(changed).wait_for()
    log_in(page, "charlie", NEW_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
