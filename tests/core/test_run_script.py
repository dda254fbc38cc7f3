"""`make run` stops: Ctrl-C (SIGINT to the terminal's foreground group) or a TERM to
scripts/run.sh stops the web server, the Celery worker and beat within 10 seconds.
scripts/run.sh runs for real here, as `make run` starts it (SQLite and the filesystem
broker in a temporary folder)."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STOP_WITHIN = 10  # seconds


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(sid):
    """The live processes of session ``sid``: run.sh and everything it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("run")  # shared: the second start finds its database


@pytest.mark.parametrize("how", ["ctrl_c", "term"])
def test_run_sh_stops_web_worker_and_beat_within_ten_seconds(var_dir, how):
    port = _free_port()
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CI")
    }
    environment.update(DD_VAR_DIR=str(var_dir), PORT=str(port), WORKERS="1")
    log = var_dir / f"run-{how}.log"
    with log.open("w") as out:
        run = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session: what it leaves behind can be found
        )
    try:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            assert run.poll() is None, log.read_text()[-3000:]
            text = log.read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except OSError:
                pass
            else:
                if "celery@" in text and " ready." in text and "beat: Starting" in text:
                    break
            time.sleep(1)
        else:
            pytest.fail("run.sh did not come up:\n" + log.read_text()[-3000:])
        started = _session(run.pid)
        assert any("runserver" in c for c in started)
        assert any(" worker " in c for c in started) and any(" beat " in c for c in started)

        stopping = time.monotonic()
        if how == "ctrl_c":
            os.killpg(run.pid, signal.SIGINT)  # the terminal's foreground group, as Ctrl-C
        else:
            os.kill(run.pid, signal.SIGTERM)  # the script alone, as make forwards a TERM
        while _session(run.pid) and time.monotonic() - stopping < 30:
            time.sleep(0.2)
        took = time.monotonic() - stopping
        left = _session(run.pid)
        assert not left, f"still running after {took:.1f}s: {left}"
        assert took <= STOP_WITHIN, f"took {took:.1f}s"
        assert run.wait(timeout=5) == 0
    finally:
        for pid in _pids(run.pid):
            os.kill(pid, signal.SIGKILL)


def _pids(sid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.append(int(entry.name))
    return pids
