"""A real Celery worker consuming from the real Redis broker."""

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
