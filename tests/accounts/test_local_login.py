"""Password login can be switched off for everyone but the break-glass administrators;
single sign-on's URLs exist only when it is configured."""

import pytest


@pytest.fixture
def password_login_off(settings):
    settings.LOCAL_LOGIN_ENABLED = False
    settings.LOCAL_LOGIN_BREAK_GLASS = ["alice", "charlie"]


def login(client, username):
    return client.post("/login/", {"username": username, "password": "correct-horse-battery"})


def test_password_login_works_by_default(client, staff):
    assert login(client, "charlie").status_code == 302


def test_when_off_a_person_is_told_to_use_the_organisation(client, manager, password_login_off):
    client.cookies["django_language"] = "en"
    response = login(client, "bob")
    assert response.status_code == 200
    assert "Password login is switched off: log in with your organisation." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_when_off_the_break_glass_admin_still_logs_in(client, admin_user, password_login_off):
    assert login(client, "alice").status_code == 302


def test_break_glass_is_for_administrators_only(client, staff, password_login_off):
    # charlie is listed, but is not an administrator.
    assert login(client, "charlie").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_django_admin_login_obeys_the_switch_too(client, admin_user, manager, settings):
    settings.LOCAL_LOGIN_ENABLED = False
    settings.LOCAL_LOGIN_BREAK_GLASS = []
    admin_user.is_staff = True
    admin_user.save()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_without_sso_configured_the_login_page_offers_none(client, db):
    page = client.get("/login/").content.decode()
    assert "sso-login" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
