from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

register = template.Library()


def _field(entry, name):
    """The model field an auditlog change names, or None (model or field since removed)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _label(field, name: str) -> str:
    verbose = getattr(field, "verbose_name", None)
    return capfirst(verbose) if verbose else name


def _shown(field, value):
    """A choice's label in the reader's language; any other value as recorded ("—" for
    an empty value, which auditlog records as the text "None")."""
    if value == "None":
        return "—"
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if not choices:
        return value
    labels = {str(key): label for key, label in choices}
    return labels.get(str(value), value)


@register.filter
def change_rows(entry):
    """(field label, before, after) for an auditlog entry, m2m changes included.

    Labels are the fields' verbose names and choice values their labels, both in the
    reader's language; nothing is looked up in the database, so a page of entries costs
    no extra query."""
    rows = []
    for name, change in (entry.changes_dict or {}).items():
        field = _field(entry, name)
        label = _label(field, name)
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": "add", "objects": [...]}
            sign = "+" if change.get("operation") == "add" else "−"
            objects = ", ".join(str(o) for o in change.get("objects", []))
            rows.append((label, "", f"{sign} {objects}"))
        elif isinstance(change, list | tuple) and len(change) == 2:
            rows.append((label, _shown(field, change[0]), _shown(field, change[1])))
        else:
            rows.append((label, "", str(change)))
    return rows
