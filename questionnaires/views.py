"""The admin's checklist editor: versions, preview, draft editing, import, export, diff."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import permission_required

from . import checklists
from .checklist_schema import ChecklistImportError
from .forms import CompareForm, ImportForm, ItemForm, SectionForm, StandardImportForm
from .models import Checklist, ChecklistVersion, Item, Section

manage_checklist = permission_required("manage_checklist")


def _render(request, template, context):
    return render(
        request, f"questionnaires/checklist/{template}", {**context, "nav_active": "checklist"}
    )


def _version(pk) -> ChecklistVersion:
    return get_object_or_404(ChecklistVersion.objects.select_related("checklist"), pk=pk)


def _draft(version: ChecklistVersion) -> ChecklistVersion:
    """Published and retired versions never change: editing them is forbidden."""
    if not version.is_draft:
        raise PermissionDenied(_("Only a draft version can be edited."))
    return version


def _problems(request, error: ChecklistImportError) -> None:
    for problem in error.errors:
        messages.error(request, problem.message)


# --------------------------------------------------------------------------- versions


@require_GET
@manage_checklist
def version_list(request):
    versions = list(
        ChecklistVersion.objects.select_related("checklist", "published_by")
        .annotate(item_count=Count("items"))
        .order_by("checklist_id", "-number")
    )
    return _render(
        request,
        "version_list.html",
        {"versions": versions, "compare_form": CompareForm(initial=_compare_initial(versions))},
    )


def _compare_initial(versions) -> dict:
    if len(versions) < 2:
        return {}
    return {"a": versions[1].pk, "b": versions[0].pk}


@require_GET
@manage_checklist
def version_detail(request, pk):
    version = _version(pk)
    sections = list(version.sections.prefetch_related("items").order_by("position", "pk"))
    items = {item.code: item for section in sections for item in section.items.all()}
    for item in items.values():
        item.shown_when = _condition_text(item, items)
    return _render(
        request,
        "version_detail.html",
        {
            "version": version,
            "sections": sections,
            "item_count": len(items),
            "yes_no_options": _yes_no_options(),
            "ipa_scale_options": _ipa_scale_options(),
        },
    )


def _yes_no_options() -> list[tuple[str, str]]:
    return [("yes", _("Yes")), ("partial", _("Partially")), ("no", _("No"))]


def _ipa_scale_options() -> list[tuple[str, str]]:
    return [
        ("done", _("Done (4)")),
        ("partly", _("Partly done (2)")),
        ("not_done", _("Not done (0)")),
        ("unknown", _("Don't know (−1)")),
    ]


def _condition_text(item: Item, items: dict[str, Item]) -> str:
    if not item.condition:
        return ""
    target = items.get(item.condition["item"])
    labels = dict(_yes_no_options(), na=_("N/A"), **dict(_ipa_scale_options()))
    if target is not None and target.choices:
        labels = dict(target.choice_options())
    values = [labels.get(value, value) for value in item.condition["values"]]
    return _("shown when %(item)s is %(values)s") % {
        "item": item.condition["item"],
        "values": _(" or ").join(f"“{value}”" for value in values),
    }


@require_POST
@manage_checklist
def version_new_draft(request, pk):
    draft = checklists.new_draft_from(_version(pk), user=request.user)
    messages.success(
        request,
        _("Draft version %(number)s was created; edit it, then publish it.")
        % {"number": draft.number},
    )
    return redirect(draft)


@manage_checklist
def version_publish(request, pk):
    version = _version(pk)
    if not version.is_draft:
        messages.error(request, _("Only a draft version can be published."))
        return redirect(version)
    if request.method == "POST":
        checklists.publish_version(version, user=request.user)
        messages.success(
            request,
            _("Version %(number)s is published; new assessments use it.")
            % {"number": version.number},
        )
        return redirect(version)
    current = checklists.current_version(version.checklist)
    diff = checklists.diff_versions(current, version) if current else None
    return _render(
        request, "version_publish.html", {"version": version, "current": current, "diff": diff}
    )


@require_POST
@manage_checklist
def checklist_make_default(request, pk):
    checklist = get_object_or_404(Checklist, pk=pk)
    if checklists.current_version(checklist) is None:
        messages.error(request, _("Publish a version of this checklist before making it default."))
    else:
        checklists.make_default(checklist, user=request.user)
        messages.success(
            request,
            _("New assessments now start on “%(name)s”.") % {"name": checklist.name},
        )
    return redirect("questionnaires:checklist")


@require_POST
@manage_checklist
def version_delete(request, pk):
    version = _version(pk)
    try:
        version.delete()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("questionnaires:checklist")
    messages.success(
        request, _("Draft version %(number)s was deleted.") % {"number": version.number}
    )
    return redirect("questionnaires:checklist")


@require_GET
@manage_checklist
def version_export(request, pk):
    version = _version(pk)
    response = HttpResponse(
        checklists.export_yaml(version), content_type="text/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="checklist-v{version.number}.yaml"'
    return response


@require_GET
@manage_checklist
def version_diff(request):
    form = CompareForm(request.GET or None)
    diff = None
    if form.is_valid():
        diff = checklists.diff_versions(form.cleaned_data["a"], form.cleaned_data["b"])
    return _render(
        request,
        "version_diff.html",
        {"form": form, "diff": diff, "rows": _diff_rows(diff) if diff else None},
    )


def _text(texts) -> str:
    language = (get_language() or "ja")[:2]
    return (texts or {}).get(language) or (texts or {}).get("ja", "")


SECTION_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "risk_area": gettext_lazy("Risk area"),
    "weight": gettext_lazy("Weight"),
}


def _section_rows(diff) -> list[dict]:
    rows = []
    for before, after, fields in diff.sections:
        section = after or before
        rows.append(
            {
                "code": section.code,
                "title": _text(section.title),
                "kind": "added" if before is None else "removed" if after is None else "changed",
                "fields": [str(SECTION_FIELD_LABELS[f]) for f in fields],
                "weight": (before.weight, after.weight) if "weight" in fields else None,
            }
        )
    return rows


def _diff_rows(diff) -> dict:
    return {
        "sections": _section_rows(diff),
        "added": [(item.code, _text(item.question)) for item in diff.added],
        "removed": [(item.code, _text(item.question)) for item in diff.removed],
        "changed": [
            {
                "code": new.code,
                "fields": fields,
                "old": _text(old.question),
                "new": _text(new.question),
                "question_changed": old.question != new.question,
            }
            for old, new, fields in diff.changed
        ],
    }


@manage_checklist
def checklist_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        checklist = checklists.default_checklist()
        version = checklists.import_doc(
            form.cleaned_data["doc"], checklist=checklist, user=request.user
        )
        messages.success(
            request,
            _("The checklist was imported as draft version %(number)s.")
            % {"number": version.number},
        )
        return redirect(version)
    return _render(request, "import.html", {"form": form})


STANDARD_SALT = "questionnaires.import_standard"
STANDARD_MAX_AGE = 3600  # seconds a preview may be confirmed for


def _standard_token(request, result) -> str:
    from django.core import signing

    from .checklist_schema import doc_to_dict

    payload = {"doc": doc_to_dict(result.doc), "report": result.report.as_dict()}
    return signing.dumps(payload, salt=f"{STANDARD_SALT}:{request.user.pk}", compress=True)


def _standard_payload(request):
    """The document and report of a preview this user saw, or None when stale/forged."""
    from django.core import signing

    from .checklist_schema import doc_from_dict

    try:
        payload = signing.loads(
            request.POST.get("token", ""),
            salt=f"{STANDARD_SALT}:{request.user.pk}",
            max_age=STANDARD_MAX_AGE,
        )
        return doc_from_dict(payload["doc"]), payload["report"]
    except (signing.BadSignature, KeyError, TypeError, ChecklistImportError):
        return None


@manage_checklist
def checklist_import_standard(request):
    """Upload a VSAQ or CAIQ file, see what maps, then create a draft from it."""
    if request.method == "POST" and request.POST.get("action") == "create":
        payload = _standard_payload(request)
        if payload is None:
            messages.error(
                request, _("The preview has expired or was changed; upload the file again.")
            )
            return redirect("questionnaires:checklist_import_standard")
        doc, report = payload
        version = checklists.import_standard(doc, report, user=request.user)
        messages.success(
            request,
            _("“%(name)s” was created as a draft with %(count)s items; review and publish it.")
            % {"name": version.checklist.name, "count": version.items.count()},
        )
        return redirect(version)
    form = StandardImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        result = form.cleaned_data["result"]
        context.update(
            result=result,
            report=result.report,
            item_count=sum(len(s.items) for s in result.doc.sections),
            token=_standard_token(request, result),
        )
    return _render(request, "import_standard.html", context)


# --------------------------------------------------------------------------- draft editing


def _section(pk) -> Section:
    return get_object_or_404(Section.objects.select_related("version__checklist"), pk=pk)


def _item(pk) -> Item:
    return get_object_or_404(Item.objects.select_related("version__checklist", "section"), pk=pk)


@manage_checklist
def section_edit(request, pk):
    section = _section(pk)
    _draft(section.version)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            checklists.save_section(form.instance)
        except ChecklistImportError as exc:
            form.add_import_errors(exc)
        else:
            messages.success(request, _("The section was saved."))
            return redirect(f"{section.version.get_absolute_url()}#section-{section.pk}")
    return _render(request, "section_form.html", {"form": form, "section": section})


@manage_checklist
def item_edit(request, pk):
    item = _item(pk)
    _draft(item.version)
    return _item_form(request, item.section, item)


@manage_checklist
def item_add(request, section_pk):
    section = _section(section_pk)
    _draft(section.version)
    return _item_form(request, section, None)


def _item_form(request, section: Section, item: Item | None):
    codes = Item.objects.filter(version_id=section.version_id).values_list("code", flat=True)
    initial = (
        ItemForm.initial_for(item)
        if item
        else {"code": checklists.next_item_code(section), "answer_type": "yes_no"}
    )
    form = ItemForm(
        request.POST or None,
        initial=initial,
        other_codes=[c for c in codes if item is None or c != item.code],
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = checklists.save_item(section, form.item_doc(), item)
        except ChecklistImportError as exc:
            form.add_import_errors(exc)
        else:
            messages.success(request, _("Item %(code)s was saved.") % {"code": item.code})
            return redirect(f"{section.version.get_absolute_url()}#item-{item.pk}")
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved yet."))
    return _render(
        request,
        "item_form.html",
        {"form": form, "item": item, "section": section, "version": section.version},
    )


@require_POST
@manage_checklist
def item_delete(request, pk):
    item = _item(pk)
    version = _draft(item.version)
    try:
        checklists.delete_item(item)
    except ChecklistImportError as exc:
        messages.error(request, _("Item %(code)s was not deleted:") % {"code": item.code})
        _problems(request, exc)
    else:
        messages.success(request, _("Item %(code)s was deleted.") % {"code": item.code})
    return redirect(f"{version.get_absolute_url()}#section-{item.section_id}")


def _direction(request) -> str:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise BadRequest("direction must be up or down")
    return direction


@require_POST
@manage_checklist
def item_move(request, pk):
    item = _item(pk)
    version = _draft(item.version)
    try:
        checklists.move_item(item, _direction(request))
    except ChecklistImportError as exc:
        messages.error(request, _("Item %(code)s cannot move there:") % {"code": item.code})
        _problems(request, exc)
    return redirect(f"{version.get_absolute_url()}#item-{item.pk}")


@require_POST
@manage_checklist
def section_move(request, pk):
    section = _section(pk)
    version = _draft(section.version)
    try:
        checklists.move_section(section, _direction(request))
    except ChecklistImportError as exc:
        messages.error(request, _("Section %(code)s cannot move there:") % {"code": section.code})
        _problems(request, exc)
    return redirect(f"{version.get_absolute_url()}#section-{section.pk}")
