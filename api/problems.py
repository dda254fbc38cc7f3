"""Errors as RFC 9457 problem details (application/problem+json), in the caller's
language (Accept-Language: ja or en; Japanese when absent)."""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.access import ObjectNotVisible

PROBLEM_TYPE = "urn:duediligence:problem:"
PROBLEM_CONTENT_TYPE = "application/problem+json"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail, *, extra=None, code=None):
        super().__init__(detail, code=code)
        self.extra = extra or {}


def _titles():
    return {
        400: _("The request is not valid"),
        401: _("Authentication required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
    }


def _flatten(detail):
    if isinstance(detail, list):
        return [str(d) for d in detail]
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    return [str(detail)]


def problem(status_code: int, *, code: str, detail: str, instance: str = "", **extra) -> Response:
    body = {
        "type": f"{PROBLEM_TYPE}{code}",
        "title": str(_titles().get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
        "instance": instance,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def plain_problem(request, status_code: int) -> HttpResponse:
    """A problem outside DRF (no API view matched the URL, or a server error)."""
    with translation.override(caller_language(request)):
        body = {
            "type": f"{PROBLEM_TYPE}{'not_found' if status_code == 404 else 'server_error'}",
            "title": str(_titles().get(status_code, _("Error"))),
            "status": status_code,
            "detail": str(_("Not found") if status_code == 404 else _("Error")),
            "instance": request.get_full_path(),
        }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def caller_language(request) -> str:
    """ja or en from Accept-Language; Japanese when the header names neither."""
    for code, _q in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code[:2] in ("ja", "en"):
            return code[:2]
    return "ja"


def problem_exception_handler(exc, context):
    if isinstance(exc, ObjectNotVisible):
        # Someone may be probing for other people's vendors: log it as the web does.
        from accounts.events import record
        from accounts.models import AccessEvent

        request = context.get("request")
        record(
            AccessEvent.Kind.DENIED, getattr(request, "_request", None), detail="404 not visible"
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = _("Some fields are not valid; see “errors”.")
        errors = _flatten(exc.detail)
        extra["errors"] = errors if isinstance(errors, dict) else {"non_field_errors": errors}
        code = "invalid"
    else:
        detail = exc.detail if not isinstance(exc.detail, list | dict) else _flatten(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        extra.update(getattr(exc, "extra", {}))
    result = problem(response.status_code, code=code, detail=detail, instance=instance, **extra)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result
