from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a response marked ``keeps_session_idle``
    (a background poll, such as the notification bell every minute) neither saves the
    session nor renews its cookie: an open tab idles out like a closed one."""

    def process_response(self, request, response):
        if getattr(response, "keeps_session_idle", False):
            return response
        return super().process_response(request, response)
