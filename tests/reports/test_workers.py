"""Real Celery workers on the real Redis: a broker that was down, and a worker killed
with SIGKILL in the middle of a render."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from duediligence.celery import app as celery_app
from reports import services
from reports.models import Report
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.redis


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def status_of(report_id) -> str:
    return Report.objects.filter(pk=report_id).values_list("status", flat=True).first()


def reset_producers():
    """Forget the app's pools so the next publish looks the broker up again. Not closed:
    kombu keeps them per broker address and hands the same ones out again later."""
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


@contextmanager
def broker_down():
    """The broker address points where nothing listens, as when Redis is stopped."""
    before = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    reset_producers()
    try:
        yield
    finally:
        celery_app.conf.broker_url = before
        reset_producers()


def close_connections(**kwargs):
    """The worker thread's database connection must not outlive its task: PostgreSQL
    would refuse to drop the test database while it is open."""
    connections.close_all()


@contextmanager
def worker_thread(queue):
    """A real worker in a thread, consuming only ``queue``. Starting it narrows the app's
    queue selection to that queue, for good: put the selection back afterwards, or
    later workers in this process would consume nothing else."""
    queues = celery_app.amqp.queues
    names, consume_from = set(queues), queues._consume_from
    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            celery_app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=20
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_connections)
        for name in set(queues) - names:
            del queues[name]
        queues._consume_from = consume_from


@pytest.fixture
def thread_worker(test_queue):
    return lambda: worker_thread(test_queue)


@pytest.mark.django_db(transaction=True)
def test_a_report_asked_for_while_redis_is_down_renders_once_it_is_back(
    client, manager, assessment, media, test_queue, thread_worker
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with broker_down():
        response = client.post(
            reverse("reports:request", args=[assessment.pk]), {"language": "ja"}, follow=True
        )
    assert "cannot be reached" in response.content.decode()
    report = Report.objects.get()
    assert report.status == Report.Status.PENDING and report.queued_at is None

    # Redis is back: the beat task queues the report, a worker renders it.
    with thread_worker():
        counts = services.sweep(now=timezone.now() + services.UNQUEUED_REQUEUE_AFTER * 2)
        assert counts["requeued"] == 1
        wait_for(lambda: status_of(report.pk) == "ready", 90, "the report to be ready")
    report.refresh_from_db()
    assert report.attempts == 1 and report.page_count >= 8
    assert report.file.open("rb").read(5) == b"%PDF-"


def database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def start_worker_process(queue, broker, media, **env):
    # Without PYTEST_XDIST_WORKER: settings_test would move the worker to another Redis db.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "duediligence.settings_test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "MEDIA_ROOT": str(media),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.reports.kill_worker_app",
        "worker",
        "--pool=solo",
        f"--queues={queue}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
        f"--hostname={queue}-{len(env)}@%h",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_is_redelivered_and_the_report_ends_ready_once(
    manager, assessment, media, redis_url, test_queue
):
    if connection.vendor != "postgresql":
        need("the worker processes share the test database only on PostgreSQL (DATABASE_URL)")
    # A Redis database of its own: the short visibility timeout must not touch other queues.
    broker = urlunparse(urlparse(redis_url)._replace(path="/14"))
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )
    first = start_worker_process(
        test_queue,
        broker,
        media,
        REPORT_TEST_DELAY_S="60",
        REPORT_HARD_TIME_LIMIT="6",
        REPORT_SOFT_TIME_LIMIT="5",
    )
    second = None
    try:
        with celery_app.connection_for_write(broker) as conn:
            from reports.tasks import render_report

            render_report.apply_async(args=[report.pk], connection=conn, queue=test_queue)
        wait_for(lambda: status_of(report.pk) == "rendering", 60, "the first worker to claim it")
        os.killpg(first.pid, signal.SIGKILL)  # the whole machine, as good as
        first.wait(10)

        second = start_worker_process(test_queue, broker, media)
        wait_for(lambda: status_of(report.pk) in ("ready", "failed"), 120, "a redelivered render")
    finally:
        stop(first)
        if second:
            stop(second)

    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert report.attempts == 2  # the killed claim, then the one that finished
    files = list((media / "reports").rglob("*.pdf"))
    assert len(files) == 1 and files[0].name == Path(report.file.name).name
    import hashlib

    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == report.sha256
