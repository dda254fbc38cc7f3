"""The vendor page's history: a short page of entries, newest first, paged in place."""

from django.core.paginator import Paginator

from vendors.selectors import vendor_history

from .display import with_related_names

HISTORY_PAGE_SIZE = 10


def vendor_history_page(request, vendor, number) -> dict:
    page = Paginator(vendor_history(vendor), HISTORY_PAGE_SIZE).get_page(number)
    page.object_list = with_related_names(page.object_list)
    user = getattr(request, "user", None)
    return {
        "history_page": page,
        "vendor": vendor,
        "can_view_log": bool(user and user.has_perm("accounts.view_audit_log")),
    }
