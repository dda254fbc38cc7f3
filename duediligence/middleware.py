import logging
import time

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from core.client_address import client_address

request_logger = logging.getLogger("duediligence.requests")


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Japanese unless the user chose otherwise (language cookie, set at login from
    their profile). The browser's Accept-Language is ignored on purpose: staff of a
    Japanese company often run English browsers but expect the Japanese screens."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware with our client address: its own takes the
    left-most X-Forwarded-For entry, which the client chooses."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        # X-Forwarded-Port is as forgeable as X-Forwarded-For; behind proxies it names
        # the proxy's port, not the client's. Record none rather than a chosen one.
        return None


class PrivatePagesMiddleware:
    """Pages shown to a signed-in person are never kept by a browser or a shared cache
    (the back button after logout, a proxy between offices)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Cache-Control")
        ):
            response["Cache-Control"] = "private, no-store"
        return response


class RefusalLogMiddleware:
    """Record an object refused as not visible in the access log, in every mode: with
    DEBUG on, Django answers a 404 with its debug page and never calls our handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from core.access import ObjectNotVisible

        from .errors import record_denied

        if isinstance(exception, ObjectNotVisible):
            record_denied(request, "404 not visible")
        return None


class RequestLogMiddleware:
    """One line per request with the client's address (not the proxy's) and the user;
    the path only, never the query string, which may carry a secret."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s %s user=%s %.0fms",
            client_address(request) or "-",
            request.method,
            request.path,
            response.status_code,
            user.get_username() if user is not None and user.is_authenticated else "-",
            (time.monotonic() - started) * 1000,
        )
        return response


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a response marked ``keeps_session_idle``
    (a background poll, such as the notification bell every minute) neither saves the
    session nor renews its cookie: an open tab idles out like a closed one."""

    def process_response(self, request, response):
        if getattr(response, "keeps_session_idle", False):
            return response
        return super().process_response(request, response)
