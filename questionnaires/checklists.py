"""Checklist versions: import from and export to YAML, drafts, publishing, diffs."""

from dataclasses import dataclass, field

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
    dump_checklist,
    load_default_checklist,
)
from .models import Checklist, ChecklistVersion, Item, Section


def _pair(obj, name):
    return {"ja": getattr(obj, f"{name}_ja"), "en": getattr(obj, f"{name}_en")}


def _optional(obj, name):
    texts = _pair(obj, name)
    return texts if any(texts.values()) else None


@transaction.atomic
def import_doc(doc: ChecklistDoc, *, checklist=None, user=None, publish=False):
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


def version_to_doc(version: ChecklistVersion) -> ChecklistDoc:
    sections = version.sections.prefetch_related("items").order_by("position")
    return ChecklistDoc(
        name=_pair(version.checklist, "name"),
        description=_optional(version, "description"),
        version_label=version.label,
        sections=tuple(
            SectionDoc(
                code=s.code,
                risk_area=s.risk_area,
                weight=s.weight,
                title=_pair(s, "title"),
                description=_optional(s, "description"),
                items=tuple(_item_to_doc(i) for i in s.items.all()),
            )
            for s in sections
        ),
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
    return import_doc(version_to_doc(version), checklist=version.checklist, user=user)


@transaction.atomic
def publish_version(version: ChecklistVersion, *, user=None) -> None:
    """Publish a draft; the version published before it is retired."""
    ChecklistVersion.objects.filter(
        checklist=version.checklist, status=ChecklistVersion.Status.PUBLISHED
    ).exclude(pk=version.pk).update(status=ChecklistVersion.Status.RETIRED)
    version.status = ChecklistVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = user
    ChecklistVersion.objects.filter(pk=version.pk).update(
        status=version.status, published_at=version.published_at, published_by=user
    )


def current_version(checklist=None) -> ChecklistVersion | None:
    """The published version new assessments start on."""
    versions = ChecklistVersion.objects.filter(status=ChecklistVersion.Status.PUBLISHED)
    if checklist is not None:
        versions = versions.filter(checklist=checklist)
    return versions.select_related("checklist").order_by("-published_at", "-pk").first()


def install_default_checklist(user=None) -> ChecklistVersion | None:
    """Install and publish the shipped checklist unless a checklist exists already."""
    if Checklist.objects.exists():
        return None
    return import_doc(load_default_checklist(), user=user, publish=True)


@dataclass
class VersionDiff:
    added: list[ItemDoc] = field(default_factory=list)
    removed: list[ItemDoc] = field(default_factory=list)
    changed: list[tuple[ItemDoc, ItemDoc, list[str]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_versions(old: ChecklistVersion, new: ChecklistVersion) -> VersionDiff:
    """Items added, removed and changed (with the names of the changed fields)."""
    old_items = {i.code: (s.code, i) for s in version_to_doc(old).sections for i in s.items}
    new_items = {i.code: (s.code, i) for s in version_to_doc(new).sections for i in s.items}
    result = VersionDiff()
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
