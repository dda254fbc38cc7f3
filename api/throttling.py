from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """API_THROTTLE_RATE requests per token (unauthenticated calls by address)."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if token is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
