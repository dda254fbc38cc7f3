"""Checklist versions: import from and export to YAML, drafts, publishing, diffs."""

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .checklist_schema import (
    ChecklistDoc,
    ChoiceDoc,
    ConditionDoc,
    ItemDoc,
    SectionDoc,
    ThresholdsDoc,
    validate,
)
from .checklist_yaml import dump_checklist, load_default_checklist
from .models import Checklist, ChecklistVersion, Item, Section


def _pair(obj, name):
    return {"ja": getattr(obj, f"{name}_ja"), "en": getattr(obj, f"{name}_en")}


def _optional(obj, name):
    texts = _pair(obj, name)
    return texts if any(texts.values()) else None


@transaction.atomic
def import_doc(doc: ChecklistDoc, *, checklist=None, user=None, publish=False, created_from=None):
    """Store a parsed checklist as a new version (a draft unless ``publish``)."""
    if checklist is None:
        checklist = Checklist.objects.create(name_ja=doc.name["ja"], name_en=doc.name["en"])
    number = (checklist.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ChecklistVersion.objects.create(
        checklist=checklist,
        number=number,
        label=doc.version_label,
        description_ja=(doc.description or {}).get("ja", ""),
        description_en=(doc.description or {}).get("en", ""),
        created_by=user,
        created_from=created_from,
    )
    items = []
    for s_pos, sdoc in enumerate(doc.sections, start=1):
        section = Section.objects.create(
            version=version,
            position=s_pos,
            code=sdoc.code,
            risk_area=sdoc.risk_area,
            weight=sdoc.weight,
            title_ja=sdoc.title["ja"],
            title_en=sdoc.title["en"],
            description_ja=(sdoc.description or {}).get("ja", ""),
            description_en=(sdoc.description or {}).get("en", ""),
        )
        for i_pos, idoc in enumerate(sdoc.items, start=1):
            items.append(_item_from_doc(idoc, version, section, i_pos))
    Item.objects.bulk_create(items)
    if publish:
        publish_version(version, user=user)
    return version


def _item_from_doc(idoc: ItemDoc, version, section, position) -> Item:
    def text(name):
        value = getattr(idoc, name) or {}
        return value.get("ja", ""), value.get("en", "")

    question, guidance, recommendation = text("question"), text("guidance"), text("recommendation")
    return Item(
        version=version,
        section=section,
        position=position,
        code=idoc.code,
        answer_type=idoc.type,
        weight=idoc.weight,
        critical=idoc.critical,
        allow_na=idoc.allow_na,
        required=idoc.required,
        evidence_expected=idoc.evidence_expected,
        question_ja=question[0],
        question_en=question[1],
        guidance_ja=guidance[0],
        guidance_en=guidance[1],
        recommendation_ja=recommendation[0],
        recommendation_en=recommendation[1],
        iso27001=list(idoc.iso27001),
        jisq15001=list(idoc.jisq15001),
        appi=list(idoc.appi),
        choices=[
            {"value": c.value, "label": dict(c.label), "score": c.score} for c in idoc.choices
        ],
        thresholds=(
            {
                "full": idoc.thresholds.full,
                "partial": idoc.thresholds.partial,
                "lower_is_better": idoc.thresholds.lower_is_better,
                "unit": dict(idoc.thresholds.unit),
            }
            if idoc.thresholds
            else None
        ),
        condition=(
            {"item": idoc.condition.item, "values": list(idoc.condition.values)}
            if idoc.condition
            else None
        ),
    )


@transaction.atomic
def import_standard(doc: ChecklistDoc, report: dict, *, user=None) -> ChecklistVersion:
    """A questionnaire imported from a standard format (VSAQ, CAIQ): a checklist of its
    own, never the default, with one draft version that keeps the import report."""
    checklist = Checklist.objects.create(name_ja=doc.name["ja"], name_en=doc.name["en"])
    version = import_doc(doc, checklist=checklist, user=user)
    version.import_report = report
    version.save(update_fields=["import_report"])
    return version


def version_to_doc(version: ChecklistVersion) -> ChecklistDoc:
    sections = version.sections.prefetch_related("items").order_by("position", "pk")
    return _doc(version, [(s, list(s.items.all())) for s in sections])


def _doc(version: ChecklistVersion, sections) -> ChecklistDoc:
    """A checklist document from ``[(section, [item, ...]), ...]`` in that order."""
    return ChecklistDoc(
        name=_pair(version.checklist, "name"),
        description=_optional(version, "description"),
        version_label=version.label,
        sections=tuple(_section_to_doc(s, items) for s, items in sections),
    )


def _section_to_doc(section: Section, items) -> SectionDoc:
    return SectionDoc(
        code=section.code,
        risk_area=section.risk_area,
        weight=section.weight,
        title=_pair(section, "title"),
        description=_optional(section, "description"),
        items=tuple(i if isinstance(i, ItemDoc) else _item_to_doc(i) for i in items),
    )


def _item_to_doc(item: Item) -> ItemDoc:
    thresholds = item.thresholds
    return ItemDoc(
        code=item.code,
        type=item.answer_type,
        weight=item.weight,
        critical=item.critical,
        allow_na=item.allow_na,
        required=item.required,
        evidence_expected=item.evidence_expected,
        question=_pair(item, "question"),
        guidance=_optional(item, "guidance"),
        recommendation=_optional(item, "recommendation"),
        iso27001=tuple(item.iso27001),
        jisq15001=tuple(item.jisq15001),
        appi=tuple(item.appi),
        choices=tuple(ChoiceDoc(c["value"], c["label"], c["score"]) for c in item.choices),
        thresholds=(
            ThresholdsDoc(
                thresholds["full"],
                thresholds["partial"],
                thresholds["lower_is_better"],
                thresholds["unit"],
            )
            if thresholds
            else None
        ),
        condition=(
            ConditionDoc(item.condition["item"], tuple(item.condition["values"]))
            if item.condition
            else None
        ),
    )


def export_yaml(version: ChecklistVersion) -> str:
    return dump_checklist(version_to_doc(version))


def new_draft_from(version: ChecklistVersion, *, user=None) -> ChecklistVersion:
    return import_doc(
        version_to_doc(version), checklist=version.checklist, user=user, created_from=version
    )


@transaction.atomic
def publish_version(version: ChecklistVersion, *, user=None) -> None:
    """Publish a draft; the version published before it is retired."""
    # Queryset updates bypass auditlog's signals, so each status change is logged here.
    retired = list(
        ChecklistVersion.objects.filter(
            checklist=version.checklist, status=ChecklistVersion.Status.PUBLISHED
        ).exclude(pk=version.pk)
    )
    ChecklistVersion.objects.filter(pk__in=[v.pk for v in retired]).update(
        status=ChecklistVersion.Status.RETIRED
    )
    for old in retired:
        _log_status(old, old.status, ChecklistVersion.Status.RETIRED, user)
        old.status = ChecklistVersion.Status.RETIRED
    previous = version.status
    version.status = ChecklistVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = user
    ChecklistVersion.objects.filter(pk=version.pk).update(
        status=version.status, published_at=version.published_at, published_by=user
    )
    _log_status(version, previous, version.status, user)


def _log_status(version: ChecklistVersion, old: str, new: str, user) -> None:
    extra = {"actor": user} if user is not None and user.is_authenticated else {}
    LogEntry.objects.log_create(
        version,
        action=LogEntry.Action.UPDATE,
        changes={"status": [str(old), str(new)]},
        force_log=True,
        **extra,
    )


def default_checklist() -> Checklist | None:
    """The checklist new assessments start on: the one marked default, else (for an
    installation that never marked one) the oldest checklist."""
    return (
        Checklist.objects.filter(is_default=True).first()
        or Checklist.objects.order_by("created_at", "pk").first()
    )


def current_version(checklist=None) -> ChecklistVersion | None:
    """The published version of ``checklist`` (by default the default checklist) that
    new assessments start on. Another checklist's newer version never takes over."""
    checklist = checklist or default_checklist()
    if checklist is None:
        return None
    return (
        ChecklistVersion.objects.filter(
            checklist=checklist, status=ChecklistVersion.Status.PUBLISHED
        )
        .select_related("checklist")
        .order_by("-published_at", "-pk")
        .first()
    )


def published_checklists():
    """Checklists with a published version, the default first: what an assessment can
    start on."""
    return (
        Checklist.objects.filter(versions__status=ChecklistVersion.Status.PUBLISHED)
        .distinct()
        .order_by("-is_default", "created_at", "pk")
    )


@transaction.atomic
def make_default(checklist: Checklist, *, user=None) -> None:
    """Mark ``checklist`` as the one new assessments start on."""
    previous = list(Checklist.objects.filter(is_default=True).exclude(pk=checklist.pk))
    for old in previous:
        old.is_default = False
        old.save(update_fields=["is_default"])
    if not checklist.is_default:
        checklist.is_default = True
        checklist.save(update_fields=["is_default"])


def install_default_checklist(user=None) -> ChecklistVersion | None:
    """Install and publish the shipped checklist as the default, unless a default
    checklist exists already (a question set or an import is never the default by
    itself)."""
    if Checklist.objects.filter(is_default=True).exists():
        return None
    doc = load_default_checklist()
    checklist = Checklist.objects.create(
        name_ja=doc.name["ja"], name_en=doc.name["en"], is_default=True
    )
    return import_doc(doc, checklist=checklist, user=user, publish=True)


@dataclass
class VersionDiff:
    added: list[ItemDoc] = field(default_factory=list)
    removed: list[ItemDoc] = field(default_factory=list)
    changed: list[tuple[ItemDoc, ItemDoc, list[str]]] = field(default_factory=list)
    # (before or None, after or None, changed fields): a section's weight moves every score.
    sections: list[tuple[SectionDoc | None, SectionDoc | None, list[str]]] = field(
        default_factory=list
    )

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.sections)


SECTION_FIELDS = ("title", "description", "risk_area", "weight")


def _diff_sections(old: ChecklistDoc, new: ChecklistDoc) -> list:
    before = {s.code: s for s in old.sections}
    after = {s.code: s for s in new.sections}
    rows = []
    for code, section in after.items():
        if code not in before:
            rows.append((None, section, []))
            continue
        fields = [f for f in SECTION_FIELDS if getattr(before[code], f) != getattr(section, f)]
        if fields:
            rows.append((before[code], section, fields))
    rows += [(section, None, []) for code, section in before.items() if code not in after]
    return rows


def diff_versions(old: ChecklistVersion, new: ChecklistVersion) -> VersionDiff:
    """Sections and items added, removed and changed (with the names of changed fields)."""
    old_doc, new_doc = version_to_doc(old), version_to_doc(new)
    old_items = {i.code: (s.code, i) for s in old_doc.sections for i in s.items}
    new_items = {i.code: (s.code, i) for s in new_doc.sections for i in s.items}
    result = VersionDiff(sections=_diff_sections(old_doc, new_doc))
    for code, (section, item) in new_items.items():
        if code not in old_items:
            result.added.append(item)
            continue
        old_section, before = old_items[code]
        fields = [
            name
            for name in ItemDoc.__dataclass_fields__
            if getattr(before, name) != getattr(item, name)
        ]
        if old_section != section:
            fields.insert(0, "section")
        if fields:
            result.changed.append((before, item, fields))
    result.removed = [item for code, (_s, item) in old_items.items() if code not in new_items]
    return result


# --------------------------------------------------------------------------- draft editing
#
# Every edit of a draft is checked by building the whole changed checklist in
# memory and checking it by the import rules, so the editor and the YAML import
# apply exactly the same rules. A failing check raises ChecklistImportError
# (its problems have no line: the editor has no file) and changes nothing.


def validate_doc(doc: ChecklistDoc) -> ChecklistDoc:
    """``doc`` as the import would accept it; ChecklistImportError if it breaks a rule."""
    return validate(doc)


def _layout(version: ChecklistVersion) -> list[tuple[Section, list[Item]]]:
    sections = version.sections.prefetch_related("items").order_by("position", "pk")
    return [(s, list(s.items.all())) for s in sections]


def next_item_code(section: Section) -> str:
    """A free code for a new item of ``section``, e.g. POL-07."""
    codes = set(Item.objects.filter(version_id=section.version_id).values_list("code", flat=True))
    number = section.items.count() + 1
    while f"{section.code}-{number:02d}" in codes and number < 99:
        number += 1
    return f"{section.code}-{number:02d}"


@transaction.atomic
def save_item(section: Section, item_doc: ItemDoc, item: Item | None = None) -> Item:
    """Change ``item`` (or add a new item at the end of ``section``) to match ``item_doc``."""
    version = section.version
    layout = _layout(version)
    sections = []
    for s, items in layout:
        docs = [item_doc if item is not None and i.pk == item.pk else i for i in items]
        if item is None and s.pk == section.pk:
            docs.append(item_doc)
        sections.append((s, docs))
    parsed = validate_doc(_doc(version, sections)).item(item_doc.code)
    if item is None:
        position = max((i.position for i in section.items.all()), default=0) + 1
        item = _item_from_doc(parsed, version, section, position)
    else:
        fresh = _item_from_doc(parsed, version, section, item.position)
        for f in Item._meta.concrete_fields:
            if f.name not in ("id", "version", "section", "position"):
                setattr(item, f.attname, getattr(fresh, f.attname))
    item.save()
    return item


@transaction.atomic
def save_section(section: Section) -> Section:
    """Save the edited fields of ``section`` if the checklist stays valid."""
    layout = _layout(section.version)
    validate_doc(
        _doc(
            section.version,
            [(section if s.pk == section.pk else s, items) for s, items in layout],
        )
    )
    section.save()
    return section


@transaction.atomic
def delete_item(item: Item) -> None:
    """Delete an item unless another item's condition depends on it."""
    layout = _layout(item.version)
    validate_doc(
        _doc(item.version, [(s, [i for i in items if i.pk != item.pk]) for s, items in layout])
    )
    item.delete()


def _moved(objects: list, obj, direction: str) -> list:
    index = next(n for n, o in enumerate(objects) if o.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(objects):
        return objects
    objects = list(objects)
    objects[index], objects[other] = objects[other], objects[index]
    return objects


def _renumber(objects: list) -> None:
    for position, obj in enumerate(objects, start=1):
        if obj.position != position:
            obj.position = position
            obj.save(update_fields=["position"])


@transaction.atomic
def move_item(item: Item, direction: str) -> None:
    """Move an item up or down within its section (conditions must still point backwards)."""
    layout = _layout(item.version)
    layout = [
        (s, _moved(items, item, direction) if s.pk == item.section_id else items)
        for s, items in layout
    ]
    validate_doc(_doc(item.version, layout))
    _renumber(next(items for s, items in layout if s.pk == item.section_id))


@transaction.atomic
def move_section(section: Section, direction: str) -> None:
    """Move a section up or down (conditions must still point backwards)."""
    layout = _layout(section.version)
    order = _moved([s for s, _items in layout], section, direction)
    items_of = {s.pk: items for s, items in layout}
    validate_doc(_doc(section.version, [(s, items_of[s.pk]) for s in order]))
    _renumber(order)
