"""Checklist versions: published versions never change, drafts, diffs, YAML round trip."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments.models import Assessment
from questionnaires import checklists
from questionnaires.checklist_schema import ChecklistImportError
from questionnaires.checklist_yaml import dump_checklist, load_default_checklist, parse_checklist
from questionnaires.models import ChecklistVersion, Item, Section
from tests.factories import VendorFactory


@pytest.fixture
def published(db):
    return checklists.install_default_checklist()


@pytest.fixture
def draft(published):
    return checklists.new_draft_from(published)


def item_doc(version, code):
    return checklists.version_to_doc(version).item(code)


def save(version, code, **changes):
    """Change one item of ``version`` through the editor's service."""
    from dataclasses import replace

    item = version.items.get(code=code)
    return checklists.save_item(item.section, replace(item_doc(version, code), **changes), item)


# --------------------------------------------------------------------------- published never changes


def test_saving_an_item_of_a_published_version_raises(published):
    item = published.items.get(code="POL-01")
    item.question_en = "Changed?"
    with pytest.raises(ValidationError):
        item.save()
    assert published.items.get(code="POL-01").question_en != "Changed?"


def test_saving_or_deleting_a_section_of_a_published_version_raises(published):
    section = published.sections.get(code="POL")
    section.weight = 9
    with pytest.raises(ValidationError):
        section.save()
    with pytest.raises(ValidationError):
        section.delete()
    assert published.sections.get(code="POL").weight != 9


def test_changing_the_label_of_a_published_version_raises(published):
    published.label = "tampered"
    with pytest.raises(ValidationError):
        published.save()
    assert ChecklistVersion.objects.get(pk=published.pk).label == "2026.1"


def test_editor_services_refuse_a_published_version(published):
    with pytest.raises(ValidationError):
        save(published, "POL-01", weight=9)
    with pytest.raises(ValidationError):
        checklists.delete_item(published.items.get(code="POL-02"))


def test_admin_shows_a_published_item_read_only(client, published, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(superuser)
    item = published.items.get(code="POL-01")
    url = reverse("admin:questionnaires_item_change", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"question_en": "Changed through the admin"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:questionnaires_item_delete", args=[item.pk])).status_code == 403
    )
    assert published.items.get(code="POL-01").question_en != "Changed through the admin"


def test_admin_lets_a_draft_item_be_changed(client, draft, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(superuser)
    item = draft.items.get(code="POL-01")
    page = client.get(reverse("admin:questionnaires_item_change", args=[item.pk]))
    assert 'name="_save"' in page.content.decode()


def test_admin_role_without_model_permissions_gets_403_in_the_admin(client, admin_user, published):
    client.force_login(admin_user)
    item = published.items.get(code="POL-01")
    response = client.get(reverse("admin:questionnaires_item_change", args=[item.pk]))
    assert response.status_code == 403


def test_importing_creates_a_new_draft_and_leaves_the_published_version_alone(published):
    before = checklists.export_yaml(published)
    changed = before.replace("weight: 3", "weight: 4", 1)
    version = checklists.import_doc(parse_checklist(changed), checklist=published.checklist)
    assert version.pk != published.pk
    assert version.is_draft
    assert version.number == published.number + 1
    published.refresh_from_db()
    assert published.status == ChecklistVersion.Status.PUBLISHED
    assert checklists.export_yaml(published) == before


def test_a_published_version_cannot_be_deleted(published):
    with pytest.raises(ValidationError):
        published.delete()
    assert ChecklistVersion.objects.filter(pk=published.pk).exists()


def test_a_draft_can_be_deleted_with_its_sections_and_items(draft):
    draft.delete()
    assert not Item.objects.filter(version_id=draft.pk).exists()
    assert not Section.objects.filter(version_id=draft.pk).exists()


def test_a_version_used_by_an_assessment_cannot_be_deleted(draft):
    Assessment.objects.create(vendor=VendorFactory(), version=draft)
    with translation.override("en"), pytest.raises(ValidationError, match="used by an assessment"):
        draft.delete()
    assert ChecklistVersion.objects.filter(pk=draft.pk).exists()


# --------------------------------------------------------------------------- drafts


def test_a_new_draft_equals_its_source(published, draft):
    assert draft.is_draft
    assert draft.number == published.number + 1
    assert checklists.diff_versions(published, draft).is_empty
    assert checklists.export_yaml(draft) == checklists.export_yaml(published)


def test_editing_the_draft_leaves_the_published_version_unchanged(published, draft):
    before = checklists.export_yaml(published)
    save(draft, "POL-01", question={"ja": "変更した質問", "en": "A changed question"})
    assert checklists.export_yaml(published) == before
    assert draft.items.get(code="POL-01").question_en == "A changed question"
    assert published.items.get(code="POL-01").question_en != "A changed question"


def test_publishing_retires_the_previous_version_and_leaves_audit_entries(
    published, draft, admin_user
):
    checklists.publish_version(draft, user=admin_user)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == ChecklistVersion.Status.PUBLISHED
    assert draft.published_by == admin_user
    assert published.status == ChecklistVersion.Status.RETIRED
    assert checklists.current_version() == draft
    entries = LogEntry.objects.get_for_object(draft).filter(action=LogEntry.Action.UPDATE)
    assert [e.changes for e in entries] == [{"status": ["draft", "published"]}]
    assert entries[0].actor == admin_user
    retired = LogEntry.objects.get_for_object(published).filter(action=LogEntry.Action.UPDATE)
    assert {"status": ["published", "retired"]} in [e.changes for e in retired]


def test_item_edits_leave_an_audit_entry(draft):
    item = save(draft, "POL-01", weight=5)
    entry = LogEntry.objects.get_for_object(item).filter(action=LogEntry.Action.UPDATE).get()
    assert [float(v) for v in entry.changes_dict["weight"]] == [3, 5]


# --------------------------------------------------------------------------- editing rules


def test_an_item_edit_is_checked_by_the_import_rules(draft):
    with pytest.raises(ChecklistImportError) as error:
        save(draft, "POL-01", question={"ja": "質問", "en": ""})
    assert '("en")' in str(error.value)
    assert draft.items.get(code="POL-01").question_ja != "質問"


def test_an_item_cannot_depend_on_a_missing_item(draft):
    from questionnaires.checklist_schema import ConditionDoc

    with pytest.raises(ChecklistImportError, match="NOPE-01"):
        save(draft, "POL-02", condition=ConditionDoc("NOPE-01", ("yes",)))


def conditional_item(version):
    return version.items.exclude(condition=None).select_related("section").first()


def test_an_item_another_depends_on_cannot_be_deleted(draft):
    dependent = conditional_item(draft)
    target = draft.items.get(code=dependent.condition["item"])
    with pytest.raises(ChecklistImportError):
        checklists.delete_item(target)
    assert Item.objects.filter(pk=target.pk).exists()


def test_moving_an_item_swaps_it_with_its_neighbour(published, draft):
    checklists.move_item(draft.items.get(code="POL-02"), "up")
    codes = [i.code for i in draft.sections.get(code="POL").items.order_by("position")]
    assert codes[:2] == ["POL-02", "POL-01"]
    assert draft.created_from == published
    assert [i.code for i in checklists.diff_versions(published, draft).changed] == []


def test_moving_an_item_before_the_item_it_depends_on_is_refused(draft):
    dependent = conditional_item(draft)
    target = draft.items.get(code=dependent.condition["item"])
    assert target.section_id == dependent.section_id
    for _step in range(dependent.position - target.position):
        try:
            checklists.move_item(draft.items.get(pk=dependent.pk), "up")
        except ChecklistImportError:
            break
    else:
        pytest.fail("moving above the condition's item was allowed")
    dependent.refresh_from_db()
    target.refresh_from_db()
    assert dependent.position > target.position


def test_moving_a_section_reorders_the_export(draft):
    first, second = draft.sections.order_by("position")[:2]
    checklists.move_section(second, "up")
    doc = checklists.version_to_doc(draft)
    assert [s.code for s in doc.sections[:2]] == [second.code, first.code]


def test_adding_an_item_puts_it_at_the_end_of_its_section(draft):
    section = draft.sections.get(code="POL")
    code = checklists.next_item_code(section)
    from dataclasses import replace

    new = replace(item_doc(draft, "POL-01"), code=code)
    item = checklists.save_item(section, new)
    assert item.position == max(i.position for i in section.items.all())
    assert checklists.version_to_doc(draft).item(code) is not None


# --------------------------------------------------------------------------- diff


def test_the_diff_lists_added_removed_and_changed_items(published, draft):
    from dataclasses import replace

    removable = next(
        i
        for i in draft.items.order_by("-pk")
        if not draft.items.filter(condition__item=i.code).exists()
    )
    checklists.delete_item(removable)
    section = draft.sections.get(code="POL")
    checklists.save_item(section, replace(item_doc(draft, "POL-01"), code="POL-99"))
    save(
        draft,
        "POL-02",
        weight=7,
        critical=True,
        question={"ja": "新しい質問", "en": "A new question"},
    )
    diff = checklists.diff_versions(published, draft)
    assert [i.code for i in diff.added] == ["POL-99"]
    assert [i.code for i in diff.removed] == [removable.code]
    assert [(old.code, fields) for old, _new, fields in diff.changed] == [
        ("POL-02", ["weight", "critical", "question"])
    ]


# --------------------------------------------------------------------------- YAML round trip


def test_the_default_checklist_survives_a_round_trip_through_the_database(published):
    assert checklists.export_yaml(published) == dump_checklist(load_default_checklist())
