"""Audit entries in pages of the apps below: the readable change rows, and the vendor
page's history panel (vendors' templates load it; vendors' code never imports audit)."""

from django import template

from vendors.selectors import vendor_history as vendor_history_entries

from ..display import change_rows, with_related_names

register = template.Library()
register.filter("change_rows", change_rows)


@register.inclusion_tag("audit/_vendor_history.html")
def vendor_history(vendor):
    return {"history": with_related_names(vendor_history_entries(vendor))}
