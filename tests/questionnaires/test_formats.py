"""Import of standard formats (Google VSAQ JSON, CSA CAIQ v4 workbooks) into a draft
checklist, with a report. Every sample file is made here; no third-party text ships."""

import html
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from assessments import scoring
from questionnaires import checklists
from questionnaires.checklist_schema import ChecklistImportError
from questionnaires.formats import parse_caiq, parse_vsaq
from questionnaires.models import Checklist, ChecklistVersion


@pytest.fixture(autouse=True)
def in_english():
    """The parsers' reports and errors speak the active language; these read them in English
    (the upload pages are read in Japanese below)."""
    with translation.override("en"):
        yield


# A small questionnaire in VSAQ's structure, written for this test.
VSAQ = {
    "questionnaire": [
        {
            "type": "block",
            "text": "Sample vendor review",
            "items": [
                {
                    "type": "block",
                    "id": "net",
                    "text": "Network",
                    "items": [
                        {"type": "info", "text": "<b>Firewalls</b> &amp; filtering"},
                        {
                            "type": "yesno",
                            "id": "fw",
                            "text": "Is every office network behind a firewall?",
                            "yes": "Yes",
                            "no": "No",
                        },
                        {
                            "type": "tip",
                            "id": "fw_tip",
                            "cond": "fw/no",
                            "warn": "yes",
                            "severity": "critical",
                            "text": "Put a firewall in front of the office network.",
                        },
                        {
                            "type": "box",
                            "id": "fw_why",
                            "cond": "fw/no",
                            "text": "Why not?",
                        },
                        {"type": "info", "text": "Which remote access do you offer?"},
                        {
                            "type": "radiogroup",
                            "id": "remote",
                            "choices": [{"vpn": "VPN"}, {"none": "None"}, {"other": "Other"}],
                        },
                        {
                            "type": "line",
                            "id": "vpn_name",
                            "cond": "vpn || other",
                            "text": "Which product?",
                        },
                        {
                            "type": "checkgroup",
                            "id": "std",
                            "text": "Which standards do you follow?",
                            "defaultChoice": False,
                            "choices": [{"iso": "ISO 27001"}, {"soc2": "SOC 2"}],
                        },
                        {"type": "line", "id": "iso_no", "cond": "iso", "text": "Cert number?"},
                    ],
                },
                {
                    "type": "block",
                    "text": "Extras",
                    "items": [
                        {"type": "upload", "id": "up", "text": "Upload your policy"},
                        {"type": "spacer"},
                        {"type": "check", "id": "ack", "text": "I confirm the answers."},
                        {
                            "type": "line",
                            "id": "both",
                            "cond": "fw/yes && ack",
                            "text": "Anything else?",
                        },
                        {"type": "tip", "id": "loose", "text": "A tip for no one."},
                    ],
                },
            ],
        }
    ]
}


def vsaq_bytes(data=VSAQ) -> bytes:
    return json.dumps(data).encode()


def by_source(rows):
    return {row.source: row for row in rows}


def test_vsaq_question_types_become_items_of_the_matching_answer_type():
    result = parse_vsaq(vsaq_bytes(), filename="sample.json")
    items = {item.code: item for item in result.doc.iter_items()}
    mapped = by_source(result.report.mapped)
    assert items[mapped["fw"].code].type == "yes_no"
    assert items[mapped["remote"].code].type == "single_choice"
    assert [c.value for c in items[mapped["remote"].code].choices] == ["vpn", "none", "other"]
    assert items[mapped["std"].code].type == "multi_choice"
    assert items[mapped["fw_why"].code].type == "text"
    assert items[mapped["ack"].code].type == "yes_no"
    assert items[mapped["ack"].code].weight == 0  # a single checkbox is not scored


def test_vsaq_blocks_become_sections_and_info_becomes_question_or_guidance():
    result = parse_vsaq(vsaq_bytes())
    titles = [s.title["en"] for s in result.doc.sections]
    assert titles == ["Sample vendor review / Network", "Sample vendor review / Extras"]
    items = {item.code: item for item in result.doc.iter_items()}
    mapped = by_source(result.report.mapped)
    fw = items[mapped["fw"].code]
    assert fw.guidance["en"] == "Firewalls & filtering"  # HTML and entities read as text
    assert items[mapped["remote"].code].question["en"] == "Which remote access do you offer?"
    assert fw.question["ja"] == fw.question["en"]  # one language, in both fields


def test_vsaq_conditions_become_item_conditions():
    result = parse_vsaq(vsaq_bytes())
    items = {item.code: item for item in result.doc.iter_items()}
    mapped = by_source(result.report.mapped)
    fw, remote, std = (mapped[k].code for k in ("fw", "remote", "std"))
    assert items[mapped["fw_why"].code].condition.item == fw
    assert items[mapped["fw_why"].code].condition.values == ("no",)
    assert items[mapped["vpn_name"].code].condition.item == remote
    assert items[mapped["vpn_name"].code].condition.values == ("vpn", "other")
    assert items[mapped["iso_no"].code].condition.item == std
    assert items[mapped["iso_no"].code].condition.values == ("iso",)
    # An "&&" condition cannot be expressed: the item is shown always, and the report says so.
    assert items[mapped["both"].code].condition is None
    assert "shown always" in mapped["both"].note


def test_vsaq_conditions_show_and_hide_items_in_the_scoring_engine():
    result = parse_vsaq(vsaq_bytes())
    specs = [
        scoring.ItemSpec(
            item.code,
            section.code,
            item.type,
            condition=scoring.Condition(item.condition.item, item.condition.values)
            if item.condition
            else None,
        )
        for section in result.doc.sections
        for item in section.items
    ]
    mapped = by_source(result.report.mapped)
    fw, why = mapped["fw"].code, mapped["fw_why"].code
    assert why in scoring.visible_codes(specs, {fw: "no"})
    assert why not in scoring.visible_codes(specs, {fw: "yes"})


def test_a_warning_tip_on_no_becomes_the_recommendation_and_makes_the_item_critical():
    result = parse_vsaq(vsaq_bytes())
    items = {item.code: item for item in result.doc.iter_items()}
    fw = items[by_source(result.report.mapped)["fw"].code]
    assert fw.recommendation["en"] == "Put a firewall in front of the office network."
    assert fw.critical and fw.weight == 1


def test_the_report_lists_what_was_not_mapped_with_the_reason():
    report = parse_vsaq(vsaq_bytes()).report
    unmapped = by_source(report.unmapped)
    assert set(unmapped) == {"up", "loose"}
    assert "upload" in unmapped["up"].note
    assert report.notes  # one language, references to refine


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf8", "UTF-8"),
        (b"{not json", "not valid JSON"),
        (b'{"other": []}', "not a VSAQ questionnaire"),
        (b'{"questionnaire": [{"type": "info", "text": "only text"}]}', "no question"),
        (b"[" * 100000 + b"]" * 100000, "JSON"),
    ],
)
def test_a_bad_vsaq_file_gets_a_clear_message(content, message):
    with pytest.raises(ChecklistImportError) as caught:
        parse_vsaq(content)
    assert message in str(caught.value)


def test_a_vsaq_section_with_more_than_99_questions_continues_in_another_section():
    many = {
        "questionnaire": [
            {
                "type": "block",
                "text": "Big",
                "items": [
                    {"type": "yesno", "id": f"q{n}", "text": f"Question {n}?"} for n in range(120)
                ],
            }
        ]
    }
    doc = parse_vsaq(vsaq_bytes(many)).doc
    assert [len(s.items) for s in doc.sections] == [99, 21]


# --------------------------------------------------------------------------- CAIQ


def caiq_workbook(rows, *, title="CAIQv4", preamble=2, formula=False) -> bytes:
    """A workbook laid out like CSA's: a few title rows, a header row, one row a question."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Introduction"
    book.active.append(["A workbook made by the test"])
    sheet = book.create_sheet(title)
    for n in range(preamble):
        sheet.append([f"title line {n}"])
    sheet.append(["Question ID", "Question", "CSP CAIQ Answer", "Notes"])
    for row in rows:
        sheet.append(list(row))
    if formula:
        sheet.append(["GRC-09.1", '=CONCAT("a","b")', "Yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CAIQ_ROWS = [
    ("A&A-01.1", "Are audit policies written down and reviewed every year?", "Yes"),
    ("A&A-02.1", "Are independent audits done at least once a year?", None),
    ("IAM-01.1", "Are access rights reviewed on a schedule?", "No"),
    ("IAM-01.1", "A duplicate ID", "Yes"),
    ("XYZ", "Not an id", None),
    ("SEF-01.1", None, None),
    (None, None, None),
]


def test_caiq_questions_become_yes_no_items_by_ccm_domain():
    result = parse_caiq(caiq_workbook(CAIQ_ROWS), filename="caiq.xlsx")
    assert [s.code for s in result.doc.sections] == ["AA", "IAM"]
    items = list(result.doc.iter_items())
    assert [i.code for i in items] == ["AA-01", "AA-02", "IAM-01"]
    assert all(i.type == "yes_no" and i.allow_na and i.weight == 1 for i in items)
    assert items[0].iso27001 == ("5.35",)  # audit and assurance: independent review
    assert "A&A-01.1" in items[0].guidance["en"]
    assert result.report.mapped[0].source == "A&A-01.1"


def test_caiq_report_names_the_rows_it_skipped_and_the_answers_left_out():
    report = parse_caiq(caiq_workbook(CAIQ_ROWS, formula=True)).report
    notes = {row.source: row.note for row in report.unmapped}
    assert "twice" in notes["IAM-01.1"]
    assert "not a CAIQ question ID" in notes["XYZ"]
    assert "no question" in notes["SEF-01.1"]
    assert "formula" in notes["GRC-09.1"]
    assert any("2 questions carry an answer" in note for note in report.notes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 broken", "not an Excel workbook"),
        (b"plain text", "not an Excel workbook"),
        (b"", "empty"),
    ],
)
def test_a_bad_caiq_file_gets_a_clear_message(content, message):
    with pytest.raises(ChecklistImportError) as caught:
        parse_caiq(content, filename="caiq.xlsx")
    assert message in str(caught.value)


def test_a_workbook_without_the_caiq_header_is_refused():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Something", "else"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ChecklistImportError, match="Question ID"):
        parse_caiq(buffer.getvalue())


# --------------------------------------------------------------------------- storing


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_preview_then_create_a_draft_through_the_pages(admin_client):
    default = checklists.install_default_checklist()
    url = reverse("questionnaires:checklist_import_standard")
    upload = SimpleUploadedFile("sample.json", vsaq_bytes(), content_type="application/json")
    preview = admin_client.post(url, {"action": "preview", "format": "vsaq", "file": upload})
    assert preview.status_code == 200
    page = text_of(preview)
    assert "Not mapped" in page and "Upload your policy" in page
    assert ChecklistVersion.objects.count() == 1  # nothing stored by the preview
    token = preview.context["token"]
    created = admin_client.post(url, {"action": "create", "token": token})
    version = ChecklistVersion.objects.exclude(pk=default.pk).get()
    assert created.status_code == 302 and created["Location"] == version.get_absolute_url()
    assert version.is_draft and not version.checklist.is_default
    assert version.import_report["format"] == "vsaq"
    assert version.items.count() == 8
    detail = text_of(admin_client.get(version.get_absolute_url()))
    assert "Imported from VSAQ" in detail
    # The import never takes over new assessments, even once published.
    checklists.publish_version(version)
    assert checklists.current_version() == default


@pytest.mark.django_db
def test_caiq_upload_previews_in_japanese(admin_client):
    admin_client.cookies["django_language"] = "ja"
    upload = SimpleUploadedFile("caiq.xlsx", caiq_workbook(CAIQ_ROWS))
    response = admin_client.post(
        reverse("questionnaires:checklist_import_standard"),
        {"action": "preview", "format": "caiq", "file": upload},
    )
    assert response.status_code == 200
    assert "対応付けなし" in text_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "name", "content"),
    [
        ("vsaq", "bad.json", b"{nope"),
        ("caiq", "bad.xlsx", b"not a workbook"),
        ("caiq", "macro.xlsm", b"PK"),
        ("vsaq", "wrong.json", b"[1, 2, 3]"),
    ],
)
def test_a_bad_upload_gets_the_page_with_a_message_not_a_500(admin_client, fmt, name, content):
    response = admin_client.post(
        reverse("questionnaires:checklist_import_standard"),
        {"action": "preview", "format": fmt, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert "The file was not imported" in text_of(response)
    assert not Checklist.objects.exists()


@pytest.mark.django_db
def test_a_forged_or_missing_token_creates_nothing(admin_client):
    url = reverse("questionnaires:checklist_import_standard")
    for token in ("forged", ""):
        response = admin_client.post(url, {"action": "create", "token": token})
        assert response.status_code == 302 and response["Location"] == url
    assert not Checklist.objects.exists()


@pytest.mark.django_db
def test_another_users_token_is_refused(admin_client, admin_user, client):
    from tests.factories import UserFactory

    url = reverse("questionnaires:checklist_import_standard")
    upload = SimpleUploadedFile("sample.json", vsaq_bytes())
    token = admin_client.post(url, {"action": "preview", "format": "vsaq", "file": upload}).context[
        "token"
    ]
    other = UserFactory(role="admin")
    client.force_login(other)
    client.post(url, {"action": "create", "token": token})
    assert not Checklist.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_a_draft_and_prints_the_report(tmp_path, capsys):
    path = tmp_path / "caiq.xlsx"
    path.write_bytes(caiq_workbook(CAIQ_ROWS))
    call_command("import_checklist_format", "caiq", str(path), dry_run=True)
    assert "nothing stored" in capsys.readouterr().out
    assert not Checklist.objects.exists()
    call_command("import_checklist_format", "caiq", str(path))
    out = capsys.readouterr().out
    assert "mapped    A&A-01.1 -> AA-01" in out and "not mapped XYZ" in out
    version = ChecklistVersion.objects.get()
    assert version.is_draft and version.items.count() == 3


@pytest.mark.django_db
def test_the_command_refuses_a_bad_file_with_a_message(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_checklist_format", "vsaq", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_checklist_format", "vsaq", str(tmp_path / "missing.json"))
