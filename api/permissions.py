"""What the token itself allows. What the owner may see and change is decided by the
same access helpers as the web pages (vendors.access, assessments.access, ...)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from accounts.models import ApiToken


class TokenScopeAndRole(permissions.BasePermission):
    """A token of a user with a role; a read-only token only reads."""

    message = _("This token may only read: create a read-and-write token to make changes.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and isinstance(request.auth, ApiToken)):
            return False
        if user.role is None:
            self.message = _("Your account has no role yet.")
            return False
        return request.method in permissions.SAFE_METHODS or request.auth.can_write
