"""GET /healthz: is the database answering, are the broker and the cache reachable."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the class name says why
        return f"error: {type(exc).__name__}"
    return "ok"


def broker_state(timeout: float = 2.0) -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def cache_state() -> str:
    """The cache only saves time (the dashboard counts afresh without it): degraded."""
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            return "error: read back nothing"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_state(), "broker": broker_state(), "cache": cache_state()}
    status = 200 if checks["database"] == "ok" else 503
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=status)


def bare(request):
    """The least a request costs through this server and its middleware (`make load`)."""
    return HttpResponse("ok", content_type="text/plain")
