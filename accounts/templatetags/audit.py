from django import template

register = template.Library()


@register.filter
def change_rows(entry):
    """(field, before, after) for an auditlog entry, m2m changes included."""
    rows = []
    for field, change in (entry.changes_dict or {}).items():
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": "add", "objects": [...]}
            sign = "+" if change.get("operation") == "add" else "−"
            objects = ", ".join(str(o) for o in change.get("objects", []))
            rows.append((field, "", f"{sign} {objects}"))
        elif isinstance(change, list | tuple) and len(change) == 2:
            rows.append((field, change[0], change[1]))
        else:
            rows.append((field, "", str(change)))
    return rows
