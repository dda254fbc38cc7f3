"""Role checks for views. Object-level checks live with each object type
(e.g. ``vendors.access``); these only decide whether a page is for the user's role."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def permission_required(*codenames: str):
    """Require login, then every ``accounts.<codename>`` permission; 403 otherwise."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not all(request.user.has_perm(f"accounts.{c}") for c in codenames):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_required(view):
    """Require login and some role: a user without a role sees only their profile."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
