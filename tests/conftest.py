"""Shared fixtures: the fixed cast of users, and service guards.

Under CI=true a test that needs PostgreSQL, Redis or Chromium fails when the
service is missing; elsewhere it is skipped with the reason.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(reason: str):
    """Fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: services must be present)")
    pytest.skip(reason)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), 2):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts from an empty cache: a rolled-back test leaves no figures behind."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        need("REDIS_URL is not set")
    if not _reachable(url, 6379):
        need(f"Redis at {url} is not reachable")
    return url


@pytest.fixture
def chromium_path():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        need("Chromium is not installed (scripts/install-system-deps.sh --test)")
    return CHROMIUM


@pytest.fixture
def media(settings, tmp_path):
    """Private file storage in a temporary directory; the setting_changed signal makes
    default_storage follow the new STORAGES."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def make_user(username: str, role: str | None, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        email=f"{username}@example.com",
        **extra,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def admin_user(db):
    return make_user("alice", roles.ADMIN, last_name="管理", first_name="アリス", is_staff=True)


@pytest.fixture
def manager(db):
    return make_user("bob", roles.MANAGER, last_name="審査", first_name="ボブ")


@pytest.fixture
def staff(db):
    """Procurement staff; in vendor tests, the one assigned to the vendor."""
    return make_user("charlie", roles.PROCUREMENT, last_name="調達", first_name="チャーリー")


@pytest.fixture
def other_staff(db):
    """Procurement staff not assigned to the vendor under test."""
    return make_user("dave", roles.PROCUREMENT, last_name="購買", first_name="デイブ")


@pytest.fixture
def no_role_user(db):
    return make_user("erin", None)


def client_for(client, user):
    client.force_login(user)
    return client
