"""What every app's access helpers share: the refused-but-existing 404, and the one
visible-or-404 lookup the per-object helpers (get_vendor_for_user, ...) call."""

from django.db.models import QuerySet
from django.http import Http404


class ObjectNotVisible(Http404):
    """The object exists but this user may not see it: a 404 to them, a refused access
    in the log (someone may be probing for other people's vendors)."""


def visible_or_404(visible: QuerySet, pk, *, everything: QuerySet | None = None):
    """The object with ``pk`` among ``visible``. A 404 either way, but an object that
    exists outside ``visible`` raises ObjectNotVisible so the refusal is logged; a pk that
    is not even a number is a plain 404."""
    model = visible.model
    try:
        return visible.get(pk=pk)
    except model.DoesNotExist:
        everything = model._default_manager.all() if everything is None else everything
        if everything.filter(pk=pk).exists():
            raise ObjectNotVisible from None
        raise Http404 from None
    except (ValueError, TypeError):
        raise Http404 from None
