from django import template

from accounts.audit_display import change_rows

register = template.Library()
register.filter("change_rows", change_rows)
