"""Audit entries as people read them: field labels, choice labels, answers as the
checklist words them (はい / 一部 / いいえ / 該当なし, choice labels, numbers with their
unit), dates and local times as the reader's language writes them, the names of related
records, and the vendor and assessment each entry belongs to, in the reader's language.

Everything an entry points to is fetched once for a whole page of entries
(``with_related_names``), never once per entry."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts import roles
from assessments.answers import display_answer
from assessments.models import Answer, Assessment
from vendors.models import Vendor

# How auditlog records an empty value: None as text, JSON null, or nothing at all.
EMPTY = ("None", "null", "", "[]", '""', "{}")
# Past this many characters a value is shortened; the whole opens on demand.
SHORT = 80
# Fields an entry of these models shows nowhere: what the entry's own context says
# (the assessment and item of an answer) or what is derived (the score snapshot).
HIDDEN = {
    Answer: {"assessment", "item", "updated_by", "answered_by_contact"},
    Assessment: {"snapshot", "updated_at"},
}


@dataclass(frozen=True)
class Shown:
    """A value for display; ``full`` is set when ``text`` is a shortened form of it."""

    text: str
    full: str = ""

    def __str__(self):  # CSV and plain text get the whole value
        return self.full or self.text


def _short(text: str) -> Shown:
    text = str(text)
    if len(text) <= SHORT and "\n" not in text:
        return Shown(text)
    first_line = text.splitlines()[0] if text.strip() else text
    return Shown(first_line[: SHORT - 1].rstrip() + "…", text)


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
    return local_datetime(moment)


def local_datetime(moment) -> str:
    """A moment in Japan time, the date as the language writes it: 2026年12月3日 14:05."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"


def _date(value: str) -> str:
    try:
        return formats.date_format(date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value)


def _number(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        number = int(number)
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def _loads(value):
    """A JSON field's recorded text as the value it stood for (auditlog dumps it with
    escaped non-ASCII, so 株式会社 arrives as \\u682a...)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _plain(value) -> str:
    """Any JSON value as words: lists joined, mappings as "key: value", no quotes."""
    if isinstance(value, list):
        return ("、" if _japanese() else ", ").join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


def _japanese() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "ja").startswith("ja")


def _shown(entry, field, value) -> Shown:
    """A recorded value for display: "—" when empty, an answer in the checklist's words,
    a choice's label, a date or local time, a related record's name, yes or no, a number
    with separators; long texts shortened."""
    if value is None or value in EMPTY:
        return Shown("—")
    if field is None:
        return _short(_plain(_loads(value)))
    if field.model is Answer and field.name == "value":
        item = getattr(entry, "answer_item", None)
        loaded = _loads(value)
        if item is not None:
            return _short(display_answer(item, loaded))
        return _short(_plain(loaded))
    if getattr(field, "flatchoices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        return Shown(str(labels.get(str(value), value)))
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return Shown(_local_time(str(value)))
    if kind == "DateField":
        return Shown(_date(value))
    if kind == "BooleanField":
        return Shown(_("Yes") if str(value) in ("True", "true", "1") else _("No"))
    if kind in ("FloatField", "DecimalField", "IntegerField", "PositiveIntegerField"):
        return Shown(_number(value))
    if isinstance(field, models.JSONField):
        return _short(_plain(_loads(value)))
    if _is_relation(field):
        names = getattr(entry, "related_names", {})
        return Shown(names.get((field.related_model, str(value)), f"#{value}"))
    return _short(str(value))


def _m2m_name(entry, field, name) -> str:
    """An m2m object as auditlog recorded it (its str at the time); roles by label."""
    if field is not None and field.related_model is Group:
        return str(roles.ROLE_LABELS.get(name, name))
    return str(name)


def change_rows(entry):
    """(field label, before, after) for an auditlog entry, m2m changes included; a
    creation lists the values it set."""
    rows = []
    model = entry.content_type.model_class() if entry.content_type_id else None
    hidden = HIDDEN.get(model, set())
    for name, change in (entry.changes_dict or {}).items():
        if name in hidden:
            continue
        field = _field(entry, name)
        if field is not None and not getattr(field, "concrete", True):
            continue  # a reverse relation auditlog happened to record ("….None")
        label = _label(field, name)
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": "add", "objects": [...]}
            sign = "+" if change.get("operation") == "add" else "−"
            objects = ", ".join(_m2m_name(entry, field, o) for o in change.get("objects", []))
            rows.append((label, Shown(""), Shown(f"{sign} {objects}")))
        elif isinstance(change, list | tuple) and len(change) == 2:
            before, after = (_shown(entry, field, value) for value in change)
            if entry.action == LogEntry.Action.CREATE:
                if after.text == "—" or _is_default(field, change[1]):
                    continue  # a creation lists what it set, not every empty field
                before = Shown("")
            rows.append((label, before, after))
        else:
            rows.append((label, Shown(""), _short(str(change))))
    return rows


def _is_default(field, value) -> bool:
    """A created record's key, or a field left at its default (False, 0): no news."""
    if field is None:
        return False
    if field.primary_key or getattr(field, "auto_now_add", False):
        return True  # the key, and the creation time the entry's own time says
    if _is_relation(field) and field.related_model in (Vendor, Assessment):
        return True  # shown beside every entry
    if not field.has_default() or callable(field.default):
        return False
    return str(value) == str(field.default)


def with_related_names(entries):
    """Give each entry what its display needs, fetched once for all the entries: the
    names of the records its changes point to, the checklist item of an answer, and the
    vendor and assessment it belongs to. Returns the entries as a list."""
    entries = list(entries)
    wanted = {}
    answer_type = None
    answer_pks = set()
    vendor_pks, assessment_pks = set(), set()
    for entry in entries:
        extra = entry.additional_data or {}
        if isinstance(extra, dict):
            vendor_pks.add(_int(extra.get("vendor_id")))
            assessment_pks.add(_int(extra.get("assessment_id")))
        model = entry.content_type.model_class() if entry.content_type_id else None
        if model is Answer:
            answer_type = entry.content_type
            answer_pks.add(_int(entry.object_pk))
        for name, change in (entry.changes_dict or {}).items():
            field = _field(entry, name)
            if _is_relation(field) and isinstance(change, list | tuple):
                for value in change:
                    if value not in EMPTY and value is not None:
                        wanted.setdefault(field.related_model, set()).add(str(value))
    names = {}
    for model, pks in wanted.items():
        if model in (Vendor, Assessment):
            continue  # named below with the entries' own vendor and assessment
        valid = _keys(model, pks)
        for obj in model._base_manager.filter(pk__in=valid):
            names[(model, str(obj.pk))] = str(obj)
    vendor_pks |= {_int(pk) for pk in wanted.get(Vendor, ())}
    assessment_pks |= {_int(pk) for pk in wanted.get(Assessment, ())}
    vendors = {
        v.pk: v for v in Vendor.objects.filter(pk__in=vendor_pks - {None}).only("pk", "name")
    }
    assessments = {
        a.pk: a
        for a in Assessment.objects.filter(pk__in=assessment_pks - {None}).only(
            "pk", "vendor_id", "created_at"
        )
    }
    for assessment in assessments.values():
        if assessment.vendor_id in vendors:
            assessment.vendor = vendors[assessment.vendor_id]
        names[(Assessment, str(assessment.pk))] = assessment_label(assessment)
    for vendor in vendors.values():
        names[(Vendor, str(vendor.pk))] = vendor.name
    items = {}
    if answer_pks - {None}:
        items = {
            a.pk: a.item
            for a in Answer.objects.filter(pk__in=answer_pks - {None})
            .select_related("item")
            .only("pk", "item")
        }
    for entry in entries:
        entry.related_names = names
        extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        entry.vendor = vendors.get(_int(extra.get("vendor_id")))
        entry.vendor_id_recorded = _int(extra.get("vendor_id"))
        entry.assessment = assessments.get(_int(extra.get("assessment_id")))
        entry.assessment_label = assessment_label(entry.assessment) if entry.assessment else ""
        entry.answer_item = None
        if answer_type is not None and entry.content_type_id == answer_type.pk:
            entry.answer_item = items.get(_int(entry.object_pk))
        entry.record_label = record_label(entry)
    return entries


def assessment_label(assessment) -> str:
    """An assessment as a reader names it: its start date (the vendor is shown beside)."""
    started = formats.date_format(timezone.localtime(assessment.created_at), "DATE_FORMAT")
    return _("Assessment of %(date)s") % {"date": started}


def record_label(entry) -> str:
    """What the entry is about: an answer by its item code and question, otherwise the
    record as it was named when the entry was written."""
    item = getattr(entry, "answer_item", None)
    if item is not None:
        question = item.question
        if len(question) > 40:
            question = question[:39] + "…"
        return f"{item.code} {question}"
    if entry.content_type_id and entry.content_type.model_class() is Assessment:
        assessment = getattr(entry, "assessment", None)
        if assessment is not None:
            return assessment_label(assessment)
    return entry.object_repr


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _keys(model, pks):
    pk_field = model._meta.pk
    valid = []
    for pk in pks:
        try:
            valid.append(pk_field.to_python(pk))
        except Exception:  # noqa: S112 - a value that is no key stays as recorded
            continue
    return valid
