"""A real Celery worker consuming from the real Redis broker."""

from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from duediligence.celery import app as celery_app
from duediligence.celery import ping


@pytest.fixture
def redis_celery(redis_url):
    # REDIS_URL configures the broker and result backend in settings (see .ci/run).
    assert celery_app.conf.broker_url == redis_url
    assert celery_app.conf.task_always_eager is False
    return celery_app


def test_celery_round_trip_through_redis(redis_celery):
    import celery.contrib.testing.tasks  # noqa: F401 - registers the worker's ping task

    with start_worker(redis_celery, pool="solo", perform_ping_check=True, shutdown_timeout=10):
        result = ping.delay("こんにちは")
        assert result.get(timeout=20) == "こんにちは"
        assert result.state == "SUCCESS"


def test_celery_is_configured_for_safe_redelivery():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert "duediligence.ping" in celery_app.tasks


def test_the_web_process_knows_every_task_module_once_django_is_loaded():
    """runserver, gunicorn and seed_demo look tasks up by name (current_app.tasks[...]):
    Django's app loading must import every app's tasks.py, not only a worker's start."""
    import subprocess
    import sys

    from django.apps import apps

    script = (
        "import django, json; django.setup();"
        "from celery import current_app; import sys;"
        "print(json.dumps(sorted(current_app.tasks)));"
        "print(json.dumps(sorted(m for m in sys.modules if m.endswith('.tasks'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.splitlines()
    import json

    names, modules = json.loads(out[-2]), json.loads(out[-1])
    for config in apps.get_app_configs():
        if (Path(config.path) / "tasks.py").exists():
            assert f"{config.name}.tasks" in modules
    assert {
        "notifications.send_delivery",
        "notifications.send_reminders",
        "notifications.sweep",
        "reports.sweep_reports",
        "vendors.purge_offboarded",
    } <= set(names)
