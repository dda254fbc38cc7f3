import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_exists_with_exactly_its_permissions(role):
    group = Group.objects.get(name=role)
    codenames = set(
        group.permissions.filter(
            content_type__app_label="accounts", codename__in=roles.PERMISSIONS
        ).values_list("codename", flat=True)
    )
    assert codenames == set(roles.ROLE_PERMISSIONS[role])


def test_least_privilege_between_roles(admin_user, manager, staff):
    assert manager.has_perm("accounts.review_assessments")
    assert not manager.has_perm("accounts.register_vendors")  # managers do not edit vendors
    assert not manager.has_perm("accounts.manage_checklist")  # nor the checklist
    assert not staff.has_perm("accounts.view_all_vendors")
    assert not staff.has_perm("accounts.review_assessments")
    assert admin_user.has_perm("accounts.manage_checklist")
    assert not admin_user.has_perm("accounts.review_assessments")  # separation of duties


@pytest.mark.parametrize(("language", "title"), [("ja", "ログイン"), ("en", "Log in")])
def test_login_page_in_both_languages(client, db, language, title):
    client.cookies["django_language"] = language
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert f'<h1 class="h4 mb-3">{title}</h1>' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ja", "正しいユーザー名とパスワードを入力してください"),
        ("en", "Please enter a correct username and password"),
    ],
)
def test_failed_login_explains_in_the_users_language(client, staff, language, error):
    client.cookies["django_language"] = language
    response = client.post(reverse("login"), {"username": "charlie", "password": "wrong"})
    assert response.status_code == 200
    assert error in response.content.decode()


def test_login_then_logout(client, staff):
    response = client.post(
        reverse("login"), {"username": "charlie", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302  # back to login


def test_logout_refuses_get(client, staff):
    client.force_login(staff)
    assert client.get(reverse("logout")).status_code == 405


def test_user_without_role_sees_only_their_profile(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("dashboard")).url == reverse("accounts:profile")
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert profile.context["nav_items"] == []
    for name in ("vendors:index", "assessments:index", "reports:index"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("accounts:users")).status_code == 403


def test_only_admins_reach_users_and_checklist(client, admin_user, manager, staff):
    for user, expected in ((admin_user, 200), (manager, 403), (staff, 403)):
        client.force_login(user)
        assert client.get(reverse("accounts:users")).status_code == expected
        assert client.get(reverse("questionnaires:checklist")).status_code == expected


def test_navigation_shows_admin_items_only_to_admins(client, admin_user, staff):
    client.force_login(admin_user)
    keys = [key for key, _label, _url in client.get(reverse("dashboard")).context["nav_items"]]
    assert keys == [
        "dashboard",
        "vendors",
        "assessments",
        "findings",
        "compare",
        "incidents",
        "reports",
        "audit",
        "checklist",
        "users",
    ]
    client.force_login(staff)
    keys = [key for key, _label, _url in client.get(reverse("dashboard")).context["nav_items"]]
    assert keys == ["dashboard", "vendors", "assessments", "findings", "incidents", "reports"]


def test_password_change_in_english(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Tsukuba-Kanazawa-42",
            "new_password2": "Tsukuba-Kanazawa-42",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Tsukuba-Kanazawa-42")
