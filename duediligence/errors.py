"""Styled error pages in the user's language, and refused accesses in the operation log."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def record_denied(request, detail):
    from accounts.events import record
    from accounts.models import AccessEvent

    record(AccessEvent.Kind.DENIED, request, detail=detail)


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "errors/error.html", _context(400), status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    record_denied(request, "403")
    return render(request, "errors/error.html", _context(403), status=403)


@requires_csrf_token
def _api_problem(request, status):
    """API clients get RFC 9457 problems from URLs no API view matched, too."""
    from api.problems import plain_problem

    return plain_problem(request, status)


def page_not_found(request, exception=None):
    # A refusal (ObjectNotVisible) is recorded by RefusalLogMiddleware, in every mode.
    if request.path.startswith("/api/"):
        return _api_problem(request, 404)
    return render(request, "errors/error.html", _context(404), status=404)


@requires_csrf_token
def server_error(request):
    if request.path.startswith("/api/"):
        return _api_problem(request, 500)
    return render(request, "errors/error.html", _context(500), status=500)


def csrf_failure(request, reason=""):
    return render(request, "errors/error.html", _context(403, csrf=True), status=403)


def _context(status, csrf=False):
    titles = {
        400: _("Bad request"),
        403: _("Access refused"),
        404: _("Page not found"),
        500: _("Something went wrong"),
    }
    texts = {
        400: _("The request could not be understood. Go back and try again."),
        403: _("You do not have permission to do this. Ask an administrator if you need it."),
        404: _("This page does not exist, or you do not have access to it."),
        500: _("An unexpected error occurred. It has been logged; please try again later."),
    }
    if csrf:
        texts[403] = _(
            "Your form expired or came from another site. Go back, reload the page and send it again."
        )
    return {"status": status, "error_title": titles[status], "error_text": texts[status]}
