"""`make load`: the production server under a bounded, headless load (issue 20).

Builds a throwaway database (as `make bench` does: ``dd_bench`` on the DATABASE_URL
server, or SQLite in a temporary folder), starts gunicorn as docker-compose.yml does and
a Celery worker on the same database and REDIS_URL, and then, on loopback only:

1. mixed load for LOAD_SECONDS (default 45): 20 procurement users answering their
   questionnaires (a section page, then answer saves as htmx sends them) and 5 managers
   browsing the dashboard, the vendor list, a comparison and the reports, with a report
   requested now and then;
2. the yardstick, in interleaved rounds: 20 threads saving answers only, and 20 threads
   calling a minimal Django view (``/load/bare/``) on the same server.

Prints ``load_requests``, ``load_errors`` (target 0), ``load_p50_ms_<kind>`` and
``load_p95_ms_<kind>`` per kind of request, and
``load_answer_save_rps_over_bare_view_ratio`` (median of rounds, with ``_spread``).
Everything stops by itself: the load phases take about 90 seconds.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAFF, MANAGERS = 20, 5
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "45"))
ROUND_SECONDS = 6
ROUNDS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_for(user) -> str:
    """A logged-in session for ``user``, stored where the server reads sessions."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.sso.LocalPasswordBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def _prepare(users):
    """20 staff with a vendor and an assessment each, 5 managers, two approved
    assessments to compare and report on. Returns what the simulated people use."""
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User
    from assessments.services import start_assessment
    from benchmarks.reports import _assessment
    from duediligence.celery import app
    from vendors.models import Vendor

    app.loader.import_default_modules()  # the tasks that approvals and reports queue
    approved = [_assessment(users), _assessment(users)]
    staff_group = Group.objects.get(name=roles.PROCUREMENT)
    manager_group = Group.objects.get(name=roles.MANAGER)
    people = {"staff": [], "managers": [], "approved": approved}
    for n in range(STAFF):
        user = User.objects.create(username=f"load-staff-{n:02d}", last_name="負荷")
        user.groups.add(staff_group)
        vendor = Vendor.objects.create(name=f"株式会社負荷試験{n:02d}", owner=user)
        assessment = start_assessment(vendor, user=user)
        items = list(
            assessment.version.items.filter(answer_type="yes_no", condition__isnull=True)
            .select_related("section")
            .order_by("pk")
            .values_list("section__code", "code")[:12]
        )
        people["staff"].append((_session_for(user), assessment.pk, items))
    for n in range(MANAGERS):
        user = User.objects.create(username=f"load-manager-{n:02d}", last_name="負荷")
        user.groups.add(manager_group)
        people["managers"].append(_session_for(user))
    return people


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings = defaultdict(list)
        self.errors = defaultdict(int)

    def add(self, kind, ms, ok):
        with self.lock:
            self.timings[kind].append(ms)
            if not ok:
                self.errors[kind] += 1


def _http(base, session_key):
    import requests

    http = requests.Session()
    http.cookies.set("sessionid", session_key, domain="127.0.0.1")
    http.base = base
    return http


def _call(http, recorder, kind, method, path, **kwargs):
    start = time.perf_counter()
    try:
        response = http.request(method, http.base + path, timeout=30, **kwargs)
        ok = response.status_code < 400
    except Exception:  # noqa: BLE001 - a refused or timed-out request is an error to count
        response, ok = None, False
    recorder.add(kind, (time.perf_counter() - start) * 1000, ok)
    return response


def _csrf(http, recorder, path):
    _call(http, recorder, "section_page", "GET", path)
    return http.cookies.get("csrftoken", "")


def _procurement(base, person, recorder, stop, only_saves=False):
    session, assessment, items = person
    http = _http(base, session)
    section = f"/assessments/{assessment}/sections/{items[0][0]}/"
    token = _csrf(http, recorder, section)
    n = 0
    while not stop.is_set():
        _section, code = items[n % len(items)]
        if not only_saves and n % 6 == 0:
            _call(
                http,
                recorder,
                "section_page",
                "GET",
                f"/assessments/{assessment}/sections/{_section}/",
            )
        _call(
            http,
            recorder,
            "answer_save",
            "POST",
            f"/assessments/{assessment}/items/{code}/answer/",
            data={"value": ("yes", "no", "partial")[n % 3], "comment": f"負荷試験 {n}"},
            headers={"X-CSRFToken": token, "HX-Request": "true"},
        )
        n += 1


def _manager(base, session, approved, recorder, stop):
    http = _http(base, session)
    token = _csrf(http, recorder, "/reports/")
    compare = "/compare/?" + "&".join(f"v={a.vendor_id}" for a in approved)
    pages = [
        ("dashboard", "/"),
        ("vendor_list", "/vendors/"),
        ("compare", compare),
        ("report_list", "/reports/"),
    ]
    n = 0
    while not stop.is_set():
        kind, path = pages[n % len(pages)]
        _call(http, recorder, kind, "GET", path)
        if n % 10 == 9:  # now and then a report, in one of the two languages
            _call(
                http,
                recorder,
                "report_request",
                "POST",
                f"/reports/request/{approved[n % 2].pk}/",
                data={"language": ("ja", "en")[n // 10 % 2]},
                headers={"X-CSRFToken": token},
                allow_redirects=False,
            )
        n += 1
        time.sleep(0.2)  # a person reads the page


def _bare(base, recorder, stop):
    http = _http(base, "")
    while not stop.is_set():
        _call(http, recorder, "bare_view", "GET", "/load/bare/")


def _run(workers, seconds):
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        futures = [pool.submit(w, stop) for w in workers]
        time.sleep(seconds)
        stop.set()
        for future in futures:
            future.result()


def _rps(recorder, kind, seconds) -> float:
    return len(recorder.timings[kind]) / seconds


def _wait_for(base, process, seconds=90):
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped")
        try:
            if requests.get(base + "/load/bare/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer")


def load(users) -> None:
    from django.db import connections

    from benchmarks.harness import emit, emit_spread

    people = _prepare(users)
    connections.close_all()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LOAD_TEST_BARE_VIEW": "1", "LOG_LEVEL": "WARNING"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "duediligence.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "3", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "duediligence", "worker", "--concurrency=2"]
            + ["--loglevel=WARNING", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        ),
    ]
    try:
        _wait_for(base, processes[0])
        mixed = Recorder()
        workers = [
            (lambda stop, p=p: _procurement(base, p, mixed, stop)) for p in people["staff"]
        ] + [
            (lambda stop, s=s: _manager(base, s, people["approved"], mixed, stop))
            for s in people["managers"]
        ]
        _run(workers, LOAD_SECONDS)
        ratios = []
        yardstick = Recorder()
        for n in range(ROUNDS):
            order = ("bare", "saves") if n % 2 == 0 else ("saves", "bare")
            rps = {}
            for side in order:
                recorder = Recorder()
                if side == "bare":
                    side_workers = [
                        (lambda stop, r=recorder: _bare(base, r, stop)) for _ in range(STAFF)
                    ]
                else:
                    side_workers = [
                        (lambda stop, p=p, r=recorder: _procurement(base, p, r, stop, True))
                        for p in people["staff"]
                    ]
                _run(side_workers, ROUND_SECONDS)
                kind = "bare_view" if side == "bare" else "answer_save"
                rps[side] = _rps(recorder, kind, ROUND_SECONDS)
                for k, values in recorder.timings.items():
                    yardstick.timings[k] += values
                    yardstick.errors[k] += recorder.errors[k]
            ratios.append(rps["saves"] / rps["bare"])
        emit("load_requests", sum(len(v) for v in mixed.timings.values()))
        emit("load_errors", sum(mixed.errors.values()) + sum(yardstick.errors.values()))
        for kind in sorted(mixed.timings):
            values = sorted(mixed.timings[kind])
            emit(f"load_requests_{kind}", len(values))
            emit(f"load_p50_ms_{kind}", statistics.median(values))
            emit(f"load_p95_ms_{kind}", values[min(len(values) - 1, int(len(values) * 0.95))])
        emit("load_answer_save_rps", _rps(yardstick, "answer_save", ROUNDS * ROUND_SECONDS))
        emit("load_bare_view_rps", _rps(yardstick, "bare_view", ROUNDS * ROUND_SECONDS))
        emit_spread("load_answer_save_rps_over_bare_view_ratio", ratios)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def run() -> int:
    """`python -m benchmarks.load` (`make load`), on the runner's throwaway database."""
    from benchmarks import __main__ as runner

    runner.BENCHMARKS[:] = [load]
    return runner.main()


if __name__ == "__main__":
    sys.exit(run())
