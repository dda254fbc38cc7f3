import pytest
from django.urls import reverse

from duediligence.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, redis_url, settings):
    celery_app.conf.broker_url = redis_url
    try:
        response = client.get(reverse("healthz"))
    finally:
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_stays_200_and_names_the_broker_when_it_is_down(client, settings):
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get(reverse("healthz"))
    finally:
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "degraded"
    assert body["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_stays_200_and_names_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert (body["database"], body["status"]) == ("ok", "degraded")
    assert body["cache"].startswith("error: ConnectionError")
