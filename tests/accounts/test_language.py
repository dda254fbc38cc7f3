"""The language switch persists, and every shell page is translated."""

import re

import pytest
from django.urls import reverse

SHELL_PAGES = [
    "dashboard",
    "accounts:profile",
    "accounts:users",
    "password_change",
    "password_change_done",
    "vendors:index",
    "assessments:index",
    "questionnaires:checklist",
    "reports:index",
]

# Words from our own templates that must not show untranslated on a Japanese page.
ENGLISH_SHELL_WORDS = [
    "Dashboard",
    "Vendors",
    "Assessments",
    "Reports",
    "Checklist",
    "Users",
    "Profile",
    "Change password",
    "Log out",
    "Nothing here yet",
    "Welcome",
    "Vendor security due diligence",
]


def test_switching_language_persists_across_requests_and_logins(client, staff):
    client.force_login(staff)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Dashboard" in client.get(reverse("dashboard")).content.decode()
    staff.refresh_from_db()
    assert staff.language == "en"
    # A new browser: the login brings the choice back.
    client.logout()
    client.cookies.clear()
    client.post(reverse("login"), {"username": "charlie", "password": "correct-horse-battery"})
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("dashboard")).content.decode()


def test_unknown_language_is_ignored(client, staff):
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    staff.refresh_from_db()
    assert staff.language == ""
    assert "ダッシュボード" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_every_shell_page_renders_in_japanese_without_english_leftovers(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    text = re.sub(r"<[^>]+>", " ", html)
    leftovers = [word for word in ENGLISH_SHELL_WORDS if re.search(rf"\b{word}\b", text)]
    assert leftovers == []


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_every_shell_page_renders_in_english(client, admin_user, name):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="en">' in html
    assert re.search(r"[\u3040-\u30ff]", re.sub(r"<[^>]+>|管理|アリス|日本語", " ", html)) is None
