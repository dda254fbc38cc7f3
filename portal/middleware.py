from auditlog.context import set_extra_data
from django.utils import translation

from accounts.events import client_address

from . import sessions

PREFIX = "/portal/"


class PortalMiddleware:
    """For /portal/ URLs: load the portal session, speak the invitation's language,
    audit record changes as the vendor contact, and send the pages with
    ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        session = request.portal = sessions.load(request)
        if session is not None:
            translation.activate(session.invitation.language)
            request.LANGUAGE_CODE = translation.get_language()
            contact = session.invitation.contact
            context = {
                "actor": None,
                "remote_addr": client_address(request),
                "actor_email": contact.email[:254],
            }
            with set_extra_data(context_data=context):
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        session = getattr(request, "portal", None)
        if session is not None and session.end:
            sessions.clear(response)
        elif session is not None:
            # Sliding idle timeout: every portal response renews the cookie.
            sessions.write(response, session.replace_with or session)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


class PortalOriginMiddleware:
    """Before Django's CSRF check. With ``Referrer-Policy: no-referrer`` browsers send a
    portal form's POST with ``Origin: null`` (and no Referer), which the CSRF check
    refuses. ``Sec-Fetch-Site: same-origin`` is set by the browser itself and cannot be
    forged by another site's page, so such a request gets its real origin back; the
    CSRF token is still checked, and the portal cookie is SameSite=Lax anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(PREFIX)
            and request.META.get("HTTP_ORIGIN") == "null"
            and request.headers.get("Sec-Fetch-Site") == "same-origin"
        ):
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
