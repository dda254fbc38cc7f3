"""Refusals reach the access log in every mode; `make run` serves without debug;
authenticated pages are never cached; /healthz answers over plain HTTP in production."""

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessEvent
from vendors.models import Vendor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社見えない", owner=staff)


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_object_is_logged_in_every_mode(client, other_staff, vendor, settings, debug):
    settings.DEBUG = debug
    client.force_login(other_staff)
    response = client.get(reverse("vendors:detail", args=[vendor.pk]))
    assert response.status_code == 404
    denied = AccessEvent.objects.get(kind=AccessEvent.Kind.DENIED)
    assert denied.user == other_staff
    assert denied.path == reverse("vendors:detail", args=[vendor.pk])
    assert denied.detail == "404 not visible"


def test_a_plain_404_is_not_a_refusal(client, staff):
    client.force_login(staff)
    assert client.get("/vendors/999999/").status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.DENIED).exists()


def test_make_run_serves_without_debug_and_whitenoise_serves_static(client, settings, db):
    result = subprocess.run(
        [
            "bash",
            "-c",
            'unset DJANGO_DEBUG; eval "$(grep "^export DJANGO_DEBUG" "$1")"; echo "$DJANGO_DEBUG"',
            "-",
            str(ROOT / "scripts" / "run.sh"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "0"
    assert settings.DEBUG is False
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize(
    "url", ["dashboard", "vendors:index", "accounts:profile", "password_change"]
)
def test_authenticated_pages_are_private_and_not_stored(client, staff, url):
    client.force_login(staff)
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_healthz_answers_over_http_while_other_pages_redirect_to_https():
    # Production settings, read in a process of their own.
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "print(c.get('/healthz').status_code, c.get('/login/').status_code)"
    )
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "duediligence.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k9" * 30 + "abcdef",
            "ALLOWED_HOSTS": "testserver",
            "DD_VAR_DIR": "/tmp/dd-healthz-test",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    health, login = result.stdout.split()[-2:]
    assert login == "301"
    assert health in ("200", "503")  # answered, not redirected


def test_secure_redirect_exempts_only_healthz(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    client = Client()
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/login/").status_code == 301
