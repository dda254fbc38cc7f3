"""PDF report benchmarks (issue 6), for the largest demo-sized assessment: 65 items,
every one with a comment.

    report_pages                                 pages of the Japanese PDF
    report_render_s_p50                          the render task's whole time, median
    report_pipeline_over_bare_weasyprint_ratio   that time over WeasyPrint's write_pdf of
                                                 the same final HTML, in the same run
    report_cached_request_ms                     asking again for an unchanged assessment
    report_peak_rss_mb                           peak memory of a process rendering one
    celery_2_workers_speedup                     20 reports: one worker process vs two
    report_recovery_after_kill_s                 a worker killed (SIGKILL, the whole
                                                 process group) mid-render: seconds until
                                                 another worker has claimed the report
                                                 again (target at most 15)
    report_recovery_ready_after_kill_s           ... until that report is ready

Registered in benchmarks.__main__.BENCHMARKS as ``report_pdf``; on its own:
``python -m benchmarks.reports``.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

RENDERS = 5
CACHED_REQUESTS = 30
WORKER_REPORTS = 20
ROOT = Path(__file__).resolve().parent.parent


def _assessment(users):
    """An approved assessment with every item answered and commented (as seed_demo's)."""
    import random

    from assessments import services
    from assessments.demo import COMMENTS, demo_answer
    from questionnaires.checklists import install_default_checklist
    from vendors.models import Vendor

    install_default_checklist(users["admin"])
    staff, manager = users["staff1"], users["manager"]
    vendor = Vendor.objects.create(
        name="株式会社ベンチマーク電話代行",
        name_en="Benchmark Call Service K.K.",
        owner=staff,
        engagement="顧客窓口の電話代行",
        personal_data=True,
    )
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    rng = random.Random("bench")  # noqa: S311 - reproducible demo data
    for item in assessment.version.items.select_related("section"):
        value = demo_answer(item, rng, 0.7, 48, True)
        services.save_answer(
            assessment, item, value=value, comment=rng.choice(COMMENTS), user=staff
        )
    services.apply_action(assessment, "submit", user=staff)
    services.apply_action(assessment, "begin_review", user=manager)
    services.apply_action(assessment, "approve", user=manager, comment="承認します。")
    return assessment


def _pipeline(assessment, user):
    """Median task time, the median of (task time / bare write_pdf time of the same
    HTML) taken pair by pair, so that load from other processes, which comes and goes,
    weighs on both sides of each ratio alike; and the pages."""
    from weasyprint import HTML

    from reports import rendering, tasks
    from reports.models import Report

    captured = []
    render_html = rendering.render_html

    def capture(context):
        captured.append(render_html(context))
        return captured[-1]

    rendering.render_html = capture
    task_times, bare_times, pages = [], [], 0
    try:
        for _ in range(RENDERS + 1):  # the first warms fonts and templates
            report = Report.objects.create(
                assessment=assessment, language="ja", requested_by=user, fingerprint="bench"
            )
            start = time.perf_counter()
            assert tasks.render_report.apply(args=[report.pk]).get() == "ready"
            task_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            HTML(
                string=captured[-1],
                base_url=rendering.BASE_URL,
                url_fetcher=rendering.StaticOnlyFetcher(),
            ).write_pdf()
            bare_times.append(time.perf_counter() - start)
            pages = Report.objects.get(pk=report.pk).page_count
    finally:
        rendering.render_html = render_html
    ratios = [task / bare for task, bare in zip(task_times[1:], bare_times[1:], strict=True)]
    return statistics.median(task_times[1:]), statistics.median(ratios), pages


def _cached_request_ms(assessment, user) -> float:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from reports import services
    from reports.models import Report

    with transaction.atomic():  # the request locks the assessment row, as the view's does
        report, _created = services.request_report(assessment, "en", user=user)
    services.render(report.pk)
    assert Report.objects.get(pk=report.pk).status == Report.Status.READY
    client = Client()
    client.force_login(user)
    url = reverse("reports:request", args=[assessment.pk])
    timings = []
    for n in range(CACHED_REQUESTS + 3):
        start = time.perf_counter()
        response = client.post(url, {"language": "en"})
        if n >= 3:
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    assert Report.objects.filter(language="en").count() == 1  # served from the cache
    return statistics.median(timings)


def _peak_rss_mb(assessment) -> float:
    """A fresh process that renders one report, as a worker does: its peak RSS."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as output:
        subprocess.run(
            [sys.executable, "manage.py", "render_report", str(assessment.pk), "--lang", "ja"]
            + ["--output", output.name],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _worker_run(assessment, user, concurrency: int) -> float:
    """Seconds for `concurrency` worker processes to render WORKER_REPORTS reports."""
    from django.db import connections

    from reports import services
    from reports.models import Report

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    services.ENQUEUE_OPTIONS = {"queue": queue}
    connections.close_all()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "duediligence", "worker", "-Q", queue]
        + [f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"]
        + ["--without-heartbeat", "--loglevel=WARNING", f"--hostname={queue}@%h"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        start_new_session=True,
    )

    def render_all(count):
        reports = [
            Report.objects.create(
                assessment=assessment, language="ja", requested_by=user, fingerprint="bench"
            )
            for _ in range(count)
        ]
        start = time.perf_counter()
        for report in reports:
            services.enqueue(report)
        ids = [r.pk for r in reports]
        while Report.objects.filter(pk__in=ids, status__in=["ready", "failed"]).count() < count:
            if worker.poll() is not None:
                raise RuntimeError("the benchmark worker stopped")
            time.sleep(0.1)
        return time.perf_counter() - start

    try:
        render_all(concurrency)  # warm every worker process
        return render_all(WORKER_REPORTS)
    finally:
        worker.terminate()
        worker.wait(60)
        services.ENQUEUE_OPTIONS = {}


def report_pdf(users) -> None:
    assessment = _assessment(users)
    manager = users["manager"]
    task_s, ratio, pages = _pipeline(assessment, manager)
    print(f"report_pages: {pages}")
    print(f"report_render_s_p50: {task_s:.2f}")
    print(f"report_pipeline_over_bare_weasyprint_ratio: {ratio:.2f}")
    print(f"report_cached_request_ms: {_cached_request_ms(assessment, manager):.2f}")
    print(f"report_peak_rss_mb: {_peak_rss_mb(assessment):.0f}")
    sys.stdout.flush()
    one = _worker_run(assessment, manager, 1)
    two = _worker_run(assessment, manager, 2)
    print(f"celery_2_workers_speedup: {one / two:.2f}")


def _start_worker(queue: str, **env):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "duediligence", "worker", "-Q", queue]
        + ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        + ["--loglevel=WARNING", f"--hostname={queue}-{len(env)}@%h"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING", **env},
        start_new_session=True,
    )


def _stop(worker) -> None:
    import signal

    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)


def report_recovery(users) -> None:
    """A worker dies mid-render (SIGKILL of its process group, as when its machine goes);
    a second worker is running. The sweep runs every 5 s as beat schedules it; the
    heartbeat lease (REPORT_LEASE_SECONDS) is what it waits for."""
    import signal

    from django.conf import settings
    from django.db import connections

    from assessments.models import Assessment
    from reports import services
    from reports.models import Report

    assessment = Assessment.objects.filter(status="approved").order_by("-pk").first()
    if assessment is None:
        assessment = _assessment(users)
    queue = f"bench-recovery-{uuid.uuid4().hex[:8]}"
    services.ENQUEUE_OPTIONS = {"queue": queue}
    connections.close_all()
    dying = _start_worker(queue, REPORT_TEST_DELAY_S="60")
    survivor = None
    sweep_every = settings.CELERY_BEAT_SCHEDULE["reports-sweep"]["schedule"]
    try:
        report = Report.objects.create(
            assessment=assessment, language="ja", requested_by=users["manager"], fingerprint="k"
        )
        services.enqueue(report)
        deadline = time.monotonic() + 120
        while Report.objects.get(pk=report.pk).status != Report.Status.RENDERING:
            assert time.monotonic() < deadline, "the first worker never claimed the report"
            time.sleep(0.1)
        survivor = _start_worker(queue)
        time.sleep(3)  # the survivor is up, the first worker has beaten at least once
        os.killpg(dying.pid, signal.SIGKILL)
        dying.wait(10)
        killed = time.monotonic()
        claimed_again = None
        next_sweep = killed + sweep_every * (uuid.uuid4().int % 100) / 100  # beat's phase
        while True:
            row = Report.objects.get(pk=report.pk)
            if claimed_again is None and row.attempts >= 2:
                claimed_again = time.monotonic() - killed
            if row.status in (Report.Status.READY, Report.Status.FAILED):
                break
            assert time.monotonic() - killed < 180, "the killed render was never recovered"
            if time.monotonic() >= next_sweep:
                services.sweep()
                next_sweep += sweep_every
            time.sleep(0.1)
        ready = time.monotonic() - killed
        assert row.status == Report.Status.READY, row.error
    finally:
        _stop(dying)
        if survivor is not None:
            _stop(survivor)
        services.ENQUEUE_OPTIONS = {}
    print(f"report_recovery_after_kill_s: {claimed_again:.1f}")
    print(f"report_recovery_ready_after_kill_s: {ready:.1f}")


def run() -> int:
    """`python -m benchmarks.reports`: this benchmark alone, on the runner's throwaway database."""
    from benchmarks import __main__ as runner

    runner.BENCHMARKS[:] = [report_pdf]
    return runner.main()


if __name__ == "__main__":
    sys.exit(run())
