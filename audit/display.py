"""Audit entries as people read them: field labels, choice labels, local times and the
names of related records, in the reader's language."""

from datetime import UTC, datetime

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.text import capfirst

# How auditlog records an empty value: None as text, JSON null, or nothing at all.
EMPTY = ("None", "null", "")


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


def _is_relation(field) -> bool:
    return field is not None and (field.many_to_one or field.one_to_one)


def _local_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):  # auditlog records UTC
        moment = timezone.make_aware(moment, UTC)
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _shown(entry, field, value):
    """A recorded value for display: "—" when empty, a choice's label, a local time,
    a related record's name (from ``with_related_names``), otherwise as recorded."""
    if value in EMPTY or value is None:
        return "—"
    if field is None:
        return value
    if getattr(field, "flatchoices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        return labels.get(str(value), value)
    if field.get_internal_type() == "DateTimeField":
        return _local_time(str(value))
    if _is_relation(field):
        names = getattr(entry, "related_names", {})
        return names.get((field.related_model, str(value)), f"#{value}")
    return value


def with_related_names(entries):
    """Give each entry the names of the records its changes point to: one query per
    related model for the whole page, none per entry. Returns the entries as a list."""
    entries = list(entries)
    wanted = {}
    for entry in entries:
        if entry.action != LogEntry.Action.UPDATE:  # only updates list their changes
            continue
        for name, change in (entry.changes_dict or {}).items():
            field = _field(entry, name)
            if _is_relation(field) and isinstance(change, list | tuple):
                for value in change:
                    if value not in EMPTY and value is not None:
                        wanted.setdefault(field.related_model, set()).add(str(value))
    names = {}
    for model, pks in wanted.items():
        pk_field = model._meta.pk
        valid = []
        for pk in pks:
            try:
                valid.append(pk_field.to_python(pk))
            except Exception:  # noqa: S112 - a value that is no key stays as recorded
                continue
        for obj in model._base_manager.filter(pk__in=valid):
            names[(model, str(obj.pk))] = str(obj)
    for entry in entries:
        entry.related_names = names
    return entries


def change_rows(entry):
    """(field label, before, after) for an auditlog entry, m2m changes included."""
    rows = []
    for name, change in (entry.changes_dict or {}).items():
        field = _field(entry, name)
        label = _label(field, name)
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": "add", "objects": [...]}
            sign = "+" if change.get("operation") == "add" else "−"
            objects = ", ".join(str(o) for o in change.get("objects", []))
            rows.append((label, "", f"{sign} {objects}"))
        elif isinstance(change, list | tuple) and len(change) == 2:
            before, after = (_shown(entry, field, value) for value in change)
            rows.append((label, before, after))
        else:
            rows.append((label, "", str(change)))
    return rows
