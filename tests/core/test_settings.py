import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from duediligence import env

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "q" * 30 + "Zx9!rT4wYb7#kLm2$Q8v"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG") is expected


def test_env_bool_fails_loudly_on_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean"):
        env.env_bool("X_FLAG")


def test_env_int_rejects_text_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("X_NUM", 5, minimum=1)
    monkeypatch.setenv("X_NUM", " 42 ")
    assert env.env_int("X_NUM", 5) == 42


def test_env_choice_and_url_reject_unknown_values(monkeypatch):
    monkeypatch.setenv("X_MODE", "staging")
    with pytest.raises(ImproperlyConfigured, match="one of"):
        env.env_choice("X_MODE", ("development", "production"), "development")
    monkeypatch.setenv("X_URL", "mysql://db")
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        env.env_url("X_URL", schemes=("redis",))


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env.env_list("X_LIST") == ["a.example", "b.example"]


def _check_in_subprocess(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    environment.update({"DJANGO_SETTINGS_MODULE": "duediligence.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _check_in_subprocess({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "dd.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _check_in_subprocess({"DJANGO_ENV": "production", "SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_starts_with_both():
    result = _check_in_subprocess(
        {"DJANGO_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "dd.example"}
    )
    assert result.returncode == 0, result.stderr


def test_bad_flag_stops_the_process():
    result = _check_in_subprocess({"DJANGO_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_time_zone_and_language_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "ja"


def test_production_refuses_a_short_or_repetitive_secret_key():
    for key in ("short-key", "k" * 60):
        result = _check_in_subprocess(
            {"DJANGO_ENV": "production", "SECRET_KEY": key, "ALLOWED_HOSTS": "dd.example"}
        )
        assert result.returncode != 0
        assert "at least 50 characters" in result.stderr


def _cache_backend(extra_env: dict[str, str]) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update({"DJANGO_SETTINGS_MODULE": "duediligence.settings", **extra_env})
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_cache_is_shared_between_processes():
    """Web and Celery processes must see one cache, or a write in one would leave the
    other's dashboard stale: Redis when configured, files in var/ otherwise."""
    assert _cache_backend({"REDIS_URL": "redis://127.0.0.1:6379/0"}).endswith("RedisCache")
    assert _cache_backend({}).endswith("FileBasedCache")
