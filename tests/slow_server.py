"""A server slowed on purpose (test settings only): with ``SLOW_SAVES_SECONDS`` set, every
answer save waits that long before it is handled, so a browser test can type into
another field while the save is in flight."""

import time

from django.conf import settings


class SlowSavesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        delay = getattr(settings, "SLOW_SAVES_SECONDS", 0)
        if delay and request.method == "POST" and request.path.endswith("/answer/"):
            time.sleep(delay)
        return self.get_response(request)
