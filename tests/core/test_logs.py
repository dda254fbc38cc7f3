"""Quieter logs: a refused request is one line, not a traceback (once or twice)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What Django's handler does for a view that raises PermissionDenied
# (django.core.handlers.exception.response_for_exception), with the real settings.
REFUSAL = """
import django
django.setup()
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.test import RequestFactory
from django.utils.log import log_response

request = RequestFactory().get("/vendors/1/edit/")
try:
    raise PermissionDenied
except PermissionDenied as exc:
    log_response(
        "Forbidden (Permission denied): %s", request.path,
        response=HttpResponseForbidden(), request=request, exception=exc,
    )
try:
    raise ValueError("a real fault")
except ValueError as exc:
    log_response(
        "Internal Server Error: %s", request.path,
        response=HttpResponseForbidden(status=500), request=request, exception=exc,
        level="error",
    )
"""


@pytest.mark.parametrize("debug", ["0", "1"])
def test_a_403_logs_one_line_without_a_traceback(debug):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "duediligence.settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": debug,
        "LOG_LEVEL": "INFO",
    }
    result = subprocess.run(
        [sys.executable, "-c", REFUSAL],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    log = result.stderr
    assert log.count("Forbidden (Permission denied): /vendors/1/edit/") == 1
    # The only traceback is the real fault's, and it is printed once.
    assert log.count("Traceback") == 1
    assert log.count("ValueError: a real fault") == 1
    assert "PermissionDenied" not in log
