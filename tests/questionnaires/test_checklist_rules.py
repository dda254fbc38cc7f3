"""Rules the database holds for checklists, the friendly messages that come first,
choice labels on the models, and the editor checking documents in memory."""

import pytest
import yaml
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from questionnaires import checklists
from questionnaires.checklist_schema import (
    ChecklistImportError,
    doc_from_dict,
    doc_to_dict,
    validate,
)
from questionnaires.checklist_yaml import parse_checklist
from questionnaires.forms import ItemForm
from questionnaires.models import Item, Section
from tests.questionnaires.test_checklist_views import item_post, text_of


@pytest.fixture
def published(db):
    return checklists.install_default_checklist()


@pytest.fixture
def draft(published):
    return checklists.new_draft_from(published)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the two-column foreign key exists on PostgreSQL only (migration 0008)",
)


def refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# --------------------------------------------------------------------------- the database


def test_the_database_refuses_a_negative_item_weight(draft):
    item = draft.items.get(code="POL-01")
    refused(lambda: Item.objects.filter(pk=item.pk).update(weight=-1))
    Item.objects.filter(pk=item.pk).update(weight=0)


def test_the_database_refuses_a_section_weight_of_zero(draft):
    section = draft.sections.get(code="POL")
    refused(lambda: Section.objects.filter(pk=section.pk).update(weight=0))
    refused(lambda: Section.objects.filter(pk=section.pk).update(weight=-2))


@on_postgresql
def test_the_database_refuses_an_item_of_another_version_than_its_section(published, draft):
    item = draft.items.get(code="POL-01")
    refused(lambda: Item.objects.filter(pk=item.pk).update(version=published))
    other = published.sections.get(code="POL")
    refused(lambda: Item.objects.filter(pk=item.pk).update(section=other))
    stray = Item(
        version=published,
        section=draft.sections.get(code="POL"),
        code="POL-99",
        answer_type="yes_no",
        question_ja="質問",
        question_en="Question",
        iso27001=["5.1"],
    )
    refused(lambda: Item.objects.bulk_create([stray]))
    assert Item.objects.get(pk=item.pk).version_id == draft.pk


@on_postgresql
def test_the_database_refuses_moving_a_section_with_its_items_to_another_version(published, draft):
    section = draft.sections.get(code="POL")
    # A new code, so that only the items hold the section back (not its code).
    refused(lambda: Section.objects.filter(pk=section.pk).update(version=published, code="ZZZ"))


def test_saving_an_item_takes_its_version_from_its_section(published, draft):
    section = draft.sections.get(code="POL")
    item = Item(
        version=published,
        section=section,
        code="POL-99",
        answer_type=Item.AnswerType.YES_NO,
        question_ja="質問",
        question_en="Question",
        iso27001=["5.1"],
    )
    item.save()
    assert Item.objects.get(pk=item.pk).version_id == draft.pk


# --------------------------------------------------------------------------- friendly first


def test_the_section_form_explains_a_weight_of_zero(admin_client, draft):
    section = draft.sections.get(code="POL")
    data = {
        "title_ja": "方針",
        "title_en": "Policy",
        "weight": "0",
        "risk_area": "policy_certification",
    }
    response = admin_client.post(reverse("questionnaires:section_edit", args=[section.pk]), data)
    assert response.status_code == 200
    assert "The weight of a section must be greater than 0." in text_of(response)
    assert Section.objects.get(pk=section.pk).weight > 0


def test_the_item_form_explains_a_negative_weight(admin_client, draft):
    item = draft.items.get(code="POL-01")
    response = admin_client.post(
        reverse("questionnaires:item_edit", args=[item.pk]), item_post(item, weight="-1")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weight"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    assert Item.objects.get(pk=item.pk).weight >= 0


def test_the_django_admin_explains_the_weight_rules(client, draft, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(superuser)
    client.cookies["django_language"] = "en"
    section = draft.sections.get(code="POL")
    data = {
        "version": draft.pk,
        "position": section.position,
        "code": section.code,
        "risk_area": section.risk_area,
        "weight": "0",
        "title_ja": section.title_ja,
        "title_en": section.title_en,
    }
    response = client.post(reverse("admin:questionnaires_section_change", args=[section.pk]), data)
    assert response.status_code == 200
    assert "The weight of a section must be greater than 0." in text_of(response)

    item = draft.items.get(code="POL-01")
    request = RequestFactory().get("/")
    request.user = superuser
    form_class = admin.site._registry[Item].get_form(request, item)
    assert "version" not in form_class.base_fields
    data = {**form_class(instance=item).initial, "weight": -1}
    with translation.override("en"):
        form = form_class(data, instance=item)
        assert not form.is_valid()
        assert "The weight of an item must not be negative." in form.non_field_errors()


# --------------------------------------------------------------------------- choices


def test_answer_types_and_risk_areas_have_translated_labels(admin_client, draft):
    section = draft.sections.get(code="POL")
    assert section.get_risk_area_display() != section.risk_area
    with translation.override("ja"):
        assert Section.RiskArea.CONTRACT.label == "契約条件"
        assert Item.AnswerType.YES_NO.label == "はい／一部／いいえ"
        assert dict(ItemForm().fields["answer_type"].choices)["number"] == "数値"
    page = text_of(admin_client.get(draft.get_absolute_url()))
    assert "Policy and certification" in page
    admin_client.cookies["django_language"] = "ja"
    assert "ポリシーと認証" in text_of(admin_client.get(draft.get_absolute_url()))


# --------------------------------------------------------------------------- in memory


def test_an_item_edit_never_goes_through_yaml(admin_client, draft, monkeypatch):
    def no_yaml(*args, **kwargs):
        raise AssertionError("the editor went through YAML")

    monkeypatch.setattr(yaml, "dump", no_yaml)
    monkeypatch.setattr(yaml, "compose", no_yaml)
    item = draft.items.get(code="POL-01")
    response = admin_client.post(
        reverse("questionnaires:item_edit", args=[item.pk]), item_post(item, weight="2")
    )
    assert response.status_code == 302
    assert Item.objects.get(pk=item.pk).weight == 2


def test_editor_problems_have_no_line_and_name_no_line(admin_client, draft):
    item = draft.items.get(code="POL-02")
    response = admin_client.post(
        reverse("questionnaires:item_edit", args=[item.pk]), item_post(item, code="POL-01")
    )
    assert response.status_code == 200
    page = text_of(response)
    assert 'Duplicate item code "POL-01".' in page
    assert "first used on line" not in page


def test_an_in_memory_document_is_checked_like_an_import(published):
    doc = checklists.version_to_doc(published)
    assert validate(doc) == doc
    data = doc_to_dict(doc)
    data["sections"][0]["items"][0]["type"] = "numeric"
    data["sections"][1]["weight"] = 0
    with translation.override("en"), pytest.raises(ChecklistImportError) as error:
        doc_from_dict(data)
    messages = [p.message for p in error.value.errors]
    assert [p.line for p in error.value.errors] == [None] * len(messages)
    assert any('unknown answer type "numeric"' in m for m in messages)
    assert any("weight must be greater than 0" in m for m in messages)


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [*a]\n",
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ],
    ids=["recursive alias", "alias bomb"],
)
def test_aliases_cannot_make_the_import_run_away(text):
    with translation.override("en"), pytest.raises(ChecklistImportError) as error:
        parse_checklist(text)
    assert "Anchors and aliases" in str(error.value)
