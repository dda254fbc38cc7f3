"""Audit entries in pages of the apps below: the readable change rows, and the vendor
page's history panel (vendors' templates load it; vendors' code never imports audit)."""

from django import template

from ..history import vendor_history_page

register = template.Library()


@register.filter
def change_rows(entry):
    from ..display import change_rows as rows

    return rows(entry)


@register.inclusion_tag("audit/_vendor_history.html", takes_context=True)
def vendor_history(context, vendor):
    """The newest entries of the vendor's history; older ones page in place."""
    request = context.get("request")
    return vendor_history_page(request, vendor, 1)
