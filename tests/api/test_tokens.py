"""Personal API tokens: shown once, stored as SHA-256 with a visible prefix, scoped,
expiring, revocable, last use recorded; the command line issues them too."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import issue_token, revoke_token

from .conftest import Api


def test_a_token_is_stored_only_as_its_hash_with_a_visible_prefix(staff):
    token, raw = issue_token(staff, name="調達システム", scope="read", days=30)
    assert raw.startswith(f"dd_{token.prefix}_") and len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)


def test_a_revoked_token_is_refused(api_world):
    token, raw = issue_token(api_world["users"]["assigned"], name="x", scope="write")
    assert Api(raw).get("/api/v1/me/").status_code == 200
    revoke_token(token)
    response = Api(raw, language="en").get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token is unknown, revoked or expired."


def test_an_expired_token_is_refused(api_world):
    token, raw = issue_token(api_world["users"]["assigned"], name="x", scope="read", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Api(raw).get("/api/v1/vendors/").status_code == 401


def test_a_deactivated_owners_token_is_refused(api_world):
    staff = api_world["users"]["assigned"]
    raw = api_world["tokens"][("assigned", "read")]
    staff.is_active = False
    staff.save()
    assert Api(raw).get("/api/v1/vendors/").status_code == 401


def test_a_malformed_header_or_unknown_token_is_refused(api_world):
    assert Api("dd_00000000_nonsense").get("/api/v1/me/").status_code == 401
    response = Api().get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 401


def test_the_last_use_is_recorded(api_world):
    raw = api_world["tokens"][("manager", "read")]
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.last_used_at is None
    Api(raw).get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_acts_with_its_owners_role_when_the_role_changes(api_world):
    from django.contrib.auth.models import Group

    staff = api_world["users"]["assigned"]
    raw = api_world["tokens"][("assigned", "write")]
    staff.groups.set([Group.objects.get(name="manager")])
    # Now a manager: sees every vendor, may edit none.
    assert Api(raw).get("/api/v1/vendors/").json()["count"] == 2
    vendor = api_world["vendor"]
    assert Api(raw).patch(f"/api/v1/vendors/{vendor.pk}/", {"notes": "x"}).status_code == 403
    staff.groups.clear()
    assert Api(raw).get("/api/v1/vendors/").status_code == 403


def test_a_user_without_a_role_gets_no_token(no_role_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        issue_token(no_role_user, name="x", scope="read")


def test_the_profile_page_creates_shows_once_and_revokes(client, staff):
    client.force_login(staff)
    response = client.post(
        "/accounts/api-tokens/", {"name": "契約管理システム", "scope": "write", "days": "30"}
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=staff)
    assert token.scope == "write" and token.name == "契約管理システム"
    page = client.get("/accounts/profile/").content.decode()
    assert raw not in page and f"dd_{token.prefix}_" in page
    assert Api(raw).get("/api/v1/me/").json()["token_scope"] == "write"
    assert (
        client.post(f"/accounts/api-tokens/{token.pk}/revoke/", {"confirmed": "1"}).status_code
        == 302
    )
    assert Api(raw).get("/api/v1/me/").status_code == 401


def test_the_profile_form_explains_bad_input_and_keeps_it(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/api-tokens/", {"name": "keep me", "scope": "write", "days": "9999"}
    )
    assert response.status_code == 422
    assert 'value="keep me"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(client, staff, other_staff):
    token, _raw = issue_token(staff, name="x", scope="read")
    client.force_login(other_staff)
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_command_prints_a_working_token_once(api_world):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token", "bob", "--scope", "read", "--days", "7", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert Api(raw).get("/api/v1/me/").json() | {"token_expires_at": None} == {
        "username": "bob",
        "role": "manager",
        "token_prefix": raw.split("_")[1],
        "token_scope": "read",
        "token_expires_at": None,
    }
    assert raw not in err.getvalue()
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=StringIO(), stderr=StringIO())
