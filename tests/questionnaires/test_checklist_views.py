"""The admin's checklist editor: access, preview, editing, import, export, diff."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionnaires import checklists
from questionnaires.models import ChecklistVersion, Item, Section

BASE_YAML = """\
checklist:
  name: {ja: テスト, en: Test}
  version_label: "t1"
sections:
  - code: POL
    risk_area: policy_certification
    weight: 1
    title: {ja: 方針, en: Policy}
    items:
      - code: POL-01
        type: yes_no
        weight: 1
        question: {ja: 質問一, en: Question one}
        recommendation: {ja: 推奨一, en: Advice one}
        iso27001: ["5.1"]
      - code: POL-02
        type: yes_no
        weight: 1
        question: {ja: 質問二, en: Question two}
        recommendation: {ja: 推奨二, en: Advice two}
        iso27001: ["5.1"]
        condition: {item: POL-01, values: ["yes"]}
"""


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


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --------------------------------------------------------------------------- access


def get_urls(published, draft):
    section = draft.sections.first()
    item = draft.items.first()
    return [
        reverse("questionnaires:checklist"),
        reverse("questionnaires:checklist_import"),
        reverse("questionnaires:checklist_diff") + f"?a={published.pk}&b={draft.pk}",
        reverse("questionnaires:version", args=[published.pk]),
        reverse("questionnaires:version", args=[draft.pk]),
        reverse("questionnaires:version_publish", args=[draft.pk]),
        reverse("questionnaires:version_export", args=[published.pk]),
        reverse("questionnaires:section_edit", args=[section.pk]),
        reverse("questionnaires:item_edit", args=[item.pk]),
        reverse("questionnaires:item_add", args=[section.pk]),
    ]


def post_urls(published, draft):
    return [
        reverse("questionnaires:version_new_draft", args=[published.pk]),
        reverse("questionnaires:version_delete", args=[draft.pk]),
        reverse("questionnaires:section_move", args=[draft.sections.first().pk]),
        reverse("questionnaires:item_move", args=[draft.items.first().pk]),
        reverse("questionnaires:item_delete", args=[draft.items.last().pk]),
    ]


def test_every_checklist_page_opens_for_the_admin(admin_client, published, draft):
    for url in get_urls(published, draft):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_managers_and_staff_get_403_everywhere(client, request, role, published, draft):
    client.force_login(request.getfixturevalue(role))
    for url in get_urls(published, draft):
        assert client.get(url).status_code == 403, url
    for url in post_urls(published, draft):
        assert client.post(url, {"direction": "up"}).status_code == 403, url
    assert ChecklistVersion.objects.count() == 2


def test_anonymous_users_are_sent_to_the_login_page(client, published, draft):
    for url in get_urls(published, draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    for url in post_urls(published, draft):
        assert client.post(url, {"direction": "up"}).status_code == 302, url
    assert ChecklistVersion.objects.count() == 2


def test_post_only_views_answer_405_to_get(admin_client, published, draft):
    for url in post_urls(published, draft):
        assert admin_client.get(url).status_code == 405, url
    assert ChecklistVersion.objects.count() == 2


def test_the_nav_marks_the_checklist_as_active(admin_client, published):
    response = admin_client.get(reverse("questionnaires:version", args=[published.pk]))
    assert response.context["nav_active"] == "checklist"


# --------------------------------------------------------------------------- versions list


def test_the_versions_list_shows_numbers_status_and_item_counts(admin_client, published, draft):
    response = admin_client.get(reverse("questionnaires:checklist"))
    versions = {v.pk: v for v in response.context["versions"]}
    assert versions[published.pk].item_count == 95
    assert versions[draft.pk].item_count == 95
    page = text_of(response)
    assert "Published" in page and "Draft" in page
    assert reverse("questionnaires:version_publish", args=[draft.pk]) in page
    assert reverse("questionnaires:version_publish", args=[published.pk]) not in page


@pytest.fixture
def request_queries(admin_client, db):
    """Queries every page makes (session, user, 2FA device, role, permissions, session
    save), measured on the import page, which makes none of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_client.get(reverse("questionnaires:checklist_import"))
    with CaptureQueriesContext(connection) as context:
        admin_client.get(reverse("questionnaires:checklist_import"))
    return len(context.captured_queries)


@pytest.mark.parametrize("drafts", [1, 6])
def test_the_versions_list_needs_a_fixed_number_of_queries(
    admin_client, published, django_assert_num_queries, request_queries, drafts
):
    for _n in range(drafts):
        checklists.new_draft_from(published)
    with django_assert_num_queries(request_queries + 1):  # versions with their item counts
        admin_client.get(reverse("questionnaires:checklist"))


# --------------------------------------------------------------------------- preview


def test_the_preview_shows_every_item_with_its_answer_widget(admin_client, published):
    response = admin_client.get(reverse("questionnaires:version", args=[published.pk]))
    page = text_of(response)
    assert page.count('class="list-group-item py-3"') == 95
    hours = published.items.get(answer_type="number")
    assert "hours" in page
    assert hours.question_en in page
    assert 'type="date"' in page
    assert "<textarea" in page
    assert 'type="checkbox"' in page
    assert "ISO/IEC 27001 A.5.1" in page
    conditional = published.items.exclude(condition=None).first()
    assert f"shown when {conditional.condition['item']} is" in page
    assert "Critical" in page
    assert "disabled" in page
    # A published version has no edit controls.
    assert reverse("questionnaires:item_edit", args=[hours.pk]) not in page


def test_the_preview_is_in_the_users_language(client, admin_user, published):
    client.force_login(admin_user)
    page = text_of(client.get(reverse("questionnaires:version", args=[published.pk])))
    item = published.items.get(code="POL-01")
    assert item.question_ja in page
    assert item.question_en not in page


def test_a_draft_preview_has_edit_controls(admin_client, draft):
    page = text_of(admin_client.get(reverse("questionnaires:version", args=[draft.pk])))
    item = draft.items.first()
    assert reverse("questionnaires:item_edit", args=[item.pk]) in page
    assert reverse("questionnaires:item_add", args=[item.section_id]) in page


def test_the_preview_of_the_default_checklist_needs_a_fixed_number_of_queries(
    admin_client, published, django_assert_num_queries, request_queries
):
    with django_assert_num_queries(request_queries + 3):  # version, sections, items
        admin_client.get(reverse("questionnaires:version", args=[published.pk]))


# --------------------------------------------------------------------------- version actions


def test_new_draft_copies_a_version(admin_client, published, admin_user):
    response = admin_client.post(reverse("questionnaires:version_new_draft", args=[published.pk]))
    new = ChecklistVersion.objects.get(number=2)
    assert response.url == new.get_absolute_url()
    assert new.is_draft and new.created_by == admin_user and new.created_from == published
    assert checklists.diff_versions(published, new).is_empty


def test_publishing_asks_first_then_publishes(admin_client, published, draft):
    url = reverse("questionnaires:version_publish", args=[draft.pk])
    confirm = admin_client.get(url)
    assert "Publish version" in text_of(confirm)
    draft.refresh_from_db()
    assert draft.is_draft
    response = admin_client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == "published"
    assert published.status == "retired"


def test_a_published_version_cannot_be_published_again(admin_client, published):
    response = admin_client.post(
        reverse("questionnaires:version_publish", args=[published.pk]), follow=True
    )
    assert "Only a draft version can be published." in text_of(response)


def test_deleting_a_draft(admin_client, draft):
    response = admin_client.post(reverse("questionnaires:version_delete", args=[draft.pk]))
    assert response.url == reverse("questionnaires:checklist")
    assert not ChecklistVersion.objects.filter(pk=draft.pk).exists()


def test_deleting_a_published_version_is_refused_with_a_message(admin_client, published):
    response = admin_client.post(
        reverse("questionnaires:version_delete", args=[published.pk]), follow=True
    )
    assert "Only draft versions can be deleted." in text_of(response)
    assert ChecklistVersion.objects.filter(pk=published.pk).exists()


def test_deleting_a_version_in_use_is_refused_with_a_message(admin_client, draft):
    from assessments.models import Assessment
    from tests.factories import VendorFactory

    Assessment.objects.create(vendor=VendorFactory(), version=draft)
    response = admin_client.post(
        reverse("questionnaires:version_delete", args=[draft.pk]), follow=True
    )
    assert "used by an assessment" in text_of(response)
    assert ChecklistVersion.objects.filter(pk=draft.pk).exists()


def test_export_downloads_the_yaml(admin_client, published):
    response = admin_client.get(reverse("questionnaires:version_export", args=[published.pk]))
    assert response["Content-Type"] == "text/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="checklist-v1.yaml"'
    assert response.content.decode() == checklists.export_yaml(published)


def test_the_diff_page_lists_added_removed_and_changed(admin_client, published, draft):
    item = draft.items.get(code="POL-01")
    Item.objects.filter(pk=item.pk).update(question_en="A brand new question", weight=9)
    removable = draft.items.get(code="POL-02")
    Item.objects.filter(pk=removable.pk).update(code="POL-98")
    url = reverse("questionnaires:checklist_diff") + f"?a={published.pk}&b={draft.pk}"
    response = admin_client.get(url)
    rows = response.context["rows"]
    assert [code for code, _q in rows["added"]] == ["POL-98"]
    assert [code for code, _q in rows["removed"]] == ["POL-02"]
    assert rows["changed"][0]["code"] == "POL-01"
    assert rows["changed"][0]["fields"] == ["weight", "question"]
    page = text_of(response)
    assert "A brand new question" in page
    assert published.items.get(code="POL-01").question_en in page


def test_the_diff_page_lists_section_changes(admin_client, published, draft):
    """A section's weight moves every score, so section edits are part of the diff."""
    old_weight = draft.sections.get(code="POL").weight
    Section.objects.filter(version=draft, code="POL").update(
        weight=old_weight + 2, title_en="Policies, renamed"
    )
    Section.objects.filter(version=draft, code="PHY").update(code="PHX")
    url = reverse("questionnaires:checklist_diff") + f"?a={published.pk}&b={draft.pk}"
    response = admin_client.get(url)
    rows = {row["code"]: row for row in response.context["rows"]["sections"]}
    assert rows["POL"]["kind"] == "changed"
    assert rows["POL"]["fields"] == ["Title", "Weight"]  # admin_client reads English
    assert rows["POL"]["weight"] == (old_weight, old_weight + 2)
    assert (rows["PHX"]["kind"], rows["PHY"]["kind"]) == ("added", "removed")
    # The items of the renamed section moved section: each is listed as changed.
    moved = [r for r in response.context["rows"]["changed"] if r["code"].startswith("PHY-")]
    assert moved and all(r["fields"][0] == "section" for r in moved)
    page = text_of(response)
    assert 'data-testid="diff-sections"' in page
    assert 'data-testid="diff-empty"' not in page
    assert not checklists.diff_versions(published, draft).is_empty


def test_a_section_only_change_is_not_an_empty_diff(published, draft):
    Section.objects.filter(version=draft, code="INC").update(weight=0.5)
    diff = checklists.diff_versions(published, draft)
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])
    assert [(b.code, fields) for b, _a, fields in diff.sections] == [("INC", ["weight"])]
    assert not diff.is_empty


def test_the_diff_of_a_copy_is_empty(admin_client, published, draft):
    url = reverse("questionnaires:checklist_diff") + f"?a={published.pk}&b={draft.pk}"
    assert 'data-testid="diff-empty"' in text_of(admin_client.get(url))


def test_the_diff_page_rejects_unknown_versions(admin_client, published):
    url = reverse("questionnaires:checklist_diff") + f"?a={published.pk}&b=99999"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["diff"] is None
    assert response.context["form"].errors


# --------------------------------------------------------------------------- draft editing


def item_post(item, **changes):
    from questionnaires.forms import ItemForm

    data = {k: v for k, v in ItemForm.initial_for(item).items() if v is not None and v is not False}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_editing_an_item_of_a_draft(admin_client, draft):
    item = draft.items.get(code="POL-01")
    data = item_post(item, question_en="Is there a written policy?", weight="4", critical="on")
    response = admin_client.post(reverse("questionnaires:item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.question_en == "Is there a written policy?"
    assert item.weight == 4 and item.critical


def test_an_unchanged_item_form_saves_the_same_item(admin_client, published, draft):
    for item in draft.items.all():
        response = admin_client.post(
            reverse("questionnaires:item_edit", args=[item.pk]), item_post(item)
        )
        assert response.status_code == 302, (item.code, response.context["form"].errors)
    assert checklists.diff_versions(published, draft).is_empty


def test_an_item_edit_breaking_a_rule_shows_the_errors_and_keeps_the_input(admin_client, draft):
    item = draft.items.get(code="POL-01")
    before = item.question_ja
    data = item_post(item, question_ja="新しい質問文", question_en="", appi="Art. 23, Art. 99")
    response = admin_client.post(reverse("questionnaires:item_edit", args=[item.pk]), data)
    assert response.status_code == 200
    page = text_of(response)
    assert 'the English text ("en") of question is empty' in page
    assert "新しい質問文" in page
    assert "Art. 23, Art. 99" in page
    item.refresh_from_db()
    assert item.question_ja == before


def test_an_item_condition_to_a_missing_item_is_refused(admin_client, draft):
    item = draft.items.get(code="POL-02")
    data = item_post(item, condition_item="POL-01", condition_values="maybe")
    response = admin_client.post(reverse("questionnaires:item_edit", args=[item.pk]), data)
    assert response.status_code == 200
    assert '"maybe" is not a possible answer of POL-01' in text_of(response)
    assert draft.items.get(code="POL-02").condition is None


def test_choices_are_edited_as_lines(admin_client, draft):
    item = draft.items.filter(answer_type="single_choice").first()
    choices = "a|1|毎日|Daily\nb|0.5|毎週|Weekly\nc|0|なし|Never"
    data = item_post(item, choices=choices)
    response = admin_client.post(reverse("questionnaires:item_edit", args=[item.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert item.choices[1] == {"value": "b", "label": {"ja": "毎週", "en": "Weekly"}, "score": 0.5}


def test_a_malformed_choice_line_is_a_field_error(admin_client, draft):
    item = draft.items.filter(answer_type="single_choice").first()
    data = item_post(item, choices="a|1|毎日\nb|x|毎週|Weekly")
    response = admin_client.post(reverse("questionnaires:item_edit", args=[item.pk]), data)
    assert response.context["form"].errors["choices"]


def test_items_of_a_published_version_cannot_be_edited(admin_client, published):
    item = published.items.first()
    url = reverse("questionnaires:item_edit", args=[item.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, item_post(item, weight="9")).status_code == 403
    section = published.sections.first()
    for name, args in [
        ("section_edit", [section.pk]),
        ("item_add", [section.pk]),
    ]:
        assert admin_client.get(reverse(f"questionnaires:{name}", args=args)).status_code == 403
    for name, pk in [
        ("item_delete", item.pk),
        ("item_move", item.pk),
        ("section_move", section.pk),
    ]:
        response = admin_client.post(
            reverse(f"questionnaires:{name}", args=[pk]), {"direction": "down"}
        )
        assert response.status_code == 403
    assert checklists.export_yaml(published) == checklists.export_yaml(
        ChecklistVersion.objects.get(pk=published.pk)
    )
    assert published.items.count() == 95


def test_adding_an_item(admin_client, draft):
    section = draft.sections.get(code="POL")
    url = reverse("questionnaires:item_add", args=[section.pk])
    form = admin_client.get(url).context["form"]
    code = form.initial["code"]
    data = {
        "code": code,
        "answer_type": "yes_no",
        "weight": "1",
        "required": "on",
        "question_ja": "新しい質問",
        "question_en": "A new question",
        "recommendation_ja": "推奨",
        "recommendation_en": "Advice",
        "iso27001": "5.1",
        "lower_is_better": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    item = draft.items.get(code=code)
    assert item.section == section
    assert item.position == section.items.count()


def test_adding_an_item_with_a_duplicate_code_is_refused(admin_client, draft):
    section = draft.sections.get(code="POL")
    data = item_post(draft.items.get(code="POL-01"))
    response = admin_client.post(reverse("questionnaires:item_add", args=[section.pk]), data)
    assert response.status_code == 200
    assert 'Duplicate item code "POL-01"' in text_of(response)
    assert draft.items.count() == 95


def test_editing_a_section(admin_client, draft):
    section = draft.sections.get(code="POL")
    data = {
        "title_ja": "方針",
        "title_en": "Policy",
        "description_ja": "",
        "description_en": "",
        "weight": "3",
        "risk_area": "policy_certification",
    }
    response = admin_client.post(reverse("questionnaires:section_edit", args=[section.pk]), data)
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.title_en, section.weight) == ("Policy", 3)


def test_a_section_without_english_title_is_refused(admin_client, draft):
    section = draft.sections.get(code="POL")
    data = {"title_ja": "方針だけ", "title_en": "", "weight": "3", "risk_area": "training"}
    response = admin_client.post(reverse("questionnaires:section_edit", args=[section.pk]), data)
    assert response.status_code == 200
    assert "方針だけ" in text_of(response)
    assert Section.objects.get(pk=section.pk).title_ja != "方針だけ"


def test_moving_and_deleting_items_and_sections(admin_client, draft):
    first, second = draft.sections.get(code="POL").items.order_by("position")[:2]
    admin_client.post(reverse("questionnaires:item_move", args=[second.pk]), {"direction": "up"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.position < first.position
    top, nxt = draft.sections.order_by("position")[:2]
    admin_client.post(reverse("questionnaires:section_move", args=[top.pk]), {"direction": "down"})
    top.refresh_from_db()
    nxt.refresh_from_db()
    assert top.position > nxt.position
    response = admin_client.post(reverse("questionnaires:item_delete", args=[first.pk]))
    assert response.status_code == 302
    assert not Item.objects.filter(pk=first.pk).exists()


def test_deleting_an_item_others_depend_on_is_refused(admin_client, draft):
    dependent = draft.items.exclude(condition=None).first()
    target = draft.items.get(code=dependent.condition["item"])
    response = admin_client.post(
        reverse("questionnaires:item_delete", args=[target.pk]), follow=True
    )
    assert f"Item {target.code} was not deleted" in text_of(response)
    assert Item.objects.filter(pk=target.pk).exists()


def test_a_bad_move_direction_is_a_bad_request(admin_client, draft):
    item = draft.items.first()
    response = admin_client.post(
        reverse("questionnaires:item_move", args=[item.pk]), {"direction": "left"}
    )
    assert response.status_code == 400


# --------------------------------------------------------------------------- import


def test_importing_pasted_yaml_creates_a_draft(admin_client, published):
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"text": BASE_YAML})
    version = ChecklistVersion.objects.get(number=2)
    assert response.url == version.get_absolute_url()
    assert version.is_draft and version.checklist == published.checklist
    assert list(version.items.values_list("code", flat=True)) == ["POL-01", "POL-02"]
    published.refresh_from_db()
    assert published.status == "published"


def test_importing_a_file_creates_a_draft(admin_client, db):
    upload = SimpleUploadedFile("c.yaml", BASE_YAML.encode(), content_type="text/yaml")
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"file": upload})
    version = ChecklistVersion.objects.get()
    assert response.url == version.get_absolute_url()
    assert version.is_draft


MALFORMED = {
    "bad YAML": (
        'iso27001: ["5.1"]\n      - code: POL-02',
        'iso27001: ["5.1"\n      - code: POL-02',
        "line 16: Invalid YAML syntax",
    ),
    "unknown answer type": (
        "type: yes_no\n        weight: 1\n        question: {ja: 質問一",
        "type: maybe\n        weight: 1\n        question: {ja: 質問一",
        'line 11: Item POL-01: unknown answer type "maybe"',
    ),
    "duplicate codes": (
        "code: POL-02",
        "code: POL-01",
        'line 16: Duplicate item code "POL-01" (first used on line 10)',
    ),
    "condition to a missing item": (
        "item: POL-01",
        "item: POL-09",
        'line 22: Item POL-02 condition refers to the item "POL-09", which does not exist.',
    ),
    "missing Japanese text": (
        "{ja: 質問一, en: Question one}",
        "{en: Question one}",
        'line 13: Item POL-01: the Japanese text ("ja") of question is missing.',
    ),
    "missing English text": (
        "{ja: 質問二, en: Question two}",
        "{ja: 質問二}",
        'line 19: Item POL-02: the English text ("en") of question is missing.',
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_pasted_yaml_is_rejected_with_the_line(admin_client, published, case):
    before, after, message = MALFORMED[case]
    assert before in BASE_YAML
    text = BASE_YAML.replace(before, after, 1)
    count = ChecklistVersion.objects.count()
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"text": text})
    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert "The checklist was not imported" in page
    assert ChecklistVersion.objects.count() == count
    assert Section.objects.count() == published.sections.count()
    assert response.context["form"]["text"].value() == text


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_is_rejected_and_its_text_shown(admin_client, db, case):
    before, after, message = MALFORMED[case]
    text = BASE_YAML.replace(before, after, 1)
    upload = SimpleUploadedFile("c.yaml", text.encode(), content_type="text/yaml")
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"file": upload})
    assert message in text_of(response)
    assert ChecklistVersion.objects.count() == 0
    assert response.context["form"]["text"].value() == text


def test_a_file_over_one_megabyte_is_rejected(admin_client, db):
    upload = SimpleUploadedFile("big.yaml", b"#" * (1024 * 1024 + 1))
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"file": upload})
    assert "larger than 1 MB" in text_of(response)
    assert ChecklistVersion.objects.count() == 0


def test_a_file_that_is_not_utf8_is_rejected(admin_client, db):
    upload = SimpleUploadedFile("sjis.yaml", BASE_YAML.encode("shift_jis"))
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"file": upload})
    assert "not UTF-8" in text_of(response)
    assert ChecklistVersion.objects.count() == 0


def test_an_empty_import_asks_for_a_file_or_text(admin_client, db):
    response = admin_client.post(reverse("questionnaires:checklist_import"), {"text": "  "})
    assert "Choose a YAML file or paste the checklist." in text_of(response)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/assessments/checklist/", "/checklist/"),
        ("/assessments/checklist/versions/7/", "/checklist/versions/7/"),
        ("/assessments/checklist/diff/?old=1&new=2", "/checklist/diff/?old=1&new=2"),
    ],
)
def test_old_checklist_urls_redirect_permanently(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
