"""Who may see and change a vendor. Every view and every list goes through here.

- procurement staff: vendors they own or are assigned to; they may edit those;
- managers: every vendor, read only;
- admins: every vendor, and they may edit, reassign and delete.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.access import visible_or_404

from .models import Vendor


def sees_all_vendors(user) -> bool:
    """Managers and admins; what depends on visibility may skip the per-user filter."""
    return (
        user.is_authenticated
        and user.role is not None
        and user.has_perm("accounts.view_all_vendors")
    )


def vendors_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Vendor.objects.all() if queryset is None else queryset
    if sees_all_vendors(user):
        return queryset
    if not user.is_authenticated or user.role is None:
        return queryset.none()
    assigned = Vendor.assigned_staff.through.objects.filter(
        vendor_id=OuterRef("pk"), user_id=user.pk
    )
    return queryset.filter(Q(owner_id=user.pk) | Exists(assigned))


def can_edit_vendor(user, vendor: Vendor) -> bool:
    """May change the profile, contacts, certificates and contracts (visibility assumed)."""
    # Admins and staff hold register_vendors; managers see every vendor but lack it.
    return user.has_perm("accounts.register_vendors")


def can_reassign(user) -> bool:
    return user.has_perm("accounts.assign_vendors")


def can_delete_vendor(user) -> bool:
    return user.has_perm("accounts.assign_vendors")


def get_vendor_for_user(user, pk, *, write: bool = False, queryset: QuerySet | None = None):
    """The vendor, 404 if the user may not see it, 403 if they may see but not change it."""
    vendor = visible_or_404(vendors_visible_to(user, queryset), pk)
    if write and not can_edit_vendor(user, vendor):
        raise PermissionDenied
    return vendor
