"""The questionnaire workbook: out, filled in as a vendor would with openpyxl, and in."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from assessments import services, workbook
from assessments.evaluation import evaluate
from assessments.models import Answer
from core.xlsx import SpreadsheetRefused
from questionnaires.checklists import new_draft_from, publish_version

pytestmark = pytest.mark.django_db


def sheets_by_code(book):
    """{item code: (sheet, row number)} of a loaded workbook."""
    rows = {}
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        for number in range(workbook.HEADER_ROW + 1, sheet.max_row + 1):
            code = sheet.cell(number, 1).value
            if code:
                rows[code] = (sheet, number)
    return rows


def filled(content: bytes, answers: dict, comments=None, notes=None) -> bytes:
    """The workbook with ``answers`` ({code: what the vendor types}) typed in."""
    book = load_workbook(io.BytesIO(content))
    rows = sheets_by_code(book)
    for code, typed in answers.items():
        sheet, number = rows[code]
        sheet.cell(number, workbook.ANSWER + 1).value = typed
    for code, text in (comments or {}).items():
        sheet, number = rows[code]
        sheet.cell(number, workbook.COMMENT + 1).value = text
    for code, text in (notes or {}).items():
        sheet, number = rows[code]
        sheet.cell(number, workbook.EVIDENCE + 1).value = text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def typed_answers(assessment):
    """What a Japanese vendor types for every item, and the value each must become."""
    typed, expected = {}, {}
    marks = ["○", "△", "×"]
    for n, item in enumerate(assessment.version.items.order_by("section__position", "position")):
        kind = item.answer_type
        if kind == "yes_no":
            if item.allow_na and n % 7 == 0:
                typed[item.code], expected[item.code] = "ー", "na"
            else:
                mark = marks[n % 3]
                typed[item.code] = mark
                expected[item.code] = {"○": "yes", "△": "partial", "×": "no"}[mark]
        elif kind == "single_choice":
            choice = item.choices[n % len(item.choices)]
            typed[item.code], expected[item.code] = choice["label"]["ja"], choice["value"]
        elif kind == "multi_choice":
            chosen = item.choices[:2]
            typed[item.code] = "、".join(c["label"]["ja"] for c in chosen)
            expected[item.code] = [c["value"] for c in chosen]
        elif kind == "number":
            typed[item.code], expected[item.code] = "２４", 24  # full-width digits
        elif kind == "date":
            typed[item.code], expected[item.code] = "2030/03/31", "2030-03-31"
        else:
            typed[item.code], expected[item.code] = "\u3000教育記録を保管\u3000", "教育記録を保管"
    return typed, expected


def test_round_trip_keeps_answers_comments_and_score(assessment, staff, vendor, manager):
    content = workbook.build_workbook(assessment, language="ja")
    typed, expected = typed_answers(assessment)
    english = next(c for c, v in expected.items() if v == "yes")
    typed[english] = "Yes"  # an answer in English on a Japanese workbook
    formula = next(c for c, v in expected.items() if v == "no" and c != english)
    typed[formula] = '=IF(1=1,"はい","いいえ")'  # a formula: never calculated
    expected.pop(formula)
    data = filled(
        content,
        typed,
        comments={"CON-01": "秘密保持契約は2024年締結"},
        notes={"CON-01": "契約書の写し"},
    )

    plan = workbook.read_workbook(data, "filled.xlsx", assessment)

    assert plan.problems == []
    assert plan.counts["new"] == len(expected)
    assert [c.split("!")[1][0] for c in plan.formula_cells] == ["F"]
    assert plan.formula_cells[0].endswith(
        f"F{sheets_by_code(load_workbook(io.BytesIO(data)))[formula][1]}"
    )
    assert Answer.objects.filter(assessment=assessment).count() == 0  # nothing until confirmed

    workbook.apply_plan(assessment, plan, user=staff)

    stored = {a.item.code: a for a in assessment.answers.select_related("item")}
    assert {code: a.value for code, a in stored.items()} == expected
    assert formula not in stored
    assert workbook.split_comment(stored["CON-01"].comment) == (
        "秘密保持契約は2024年締結",
        "契約書の写し",
    )
    # The same answers given in the app score the same.
    twin = services.start_assessment(vendor, user=staff, reviewer=manager)
    items = {i.code: i for i in twin.version.items.all()}
    for code, value in expected.items():
        services.save_answer(twin, items[code], value=value, user=staff)
    ours, theirs = evaluate(assessment).result, evaluate(twin).result
    assert ours.overall == pytest.approx(theirs.overall)
    assert ours.overall is not None and ours.rating == theirs.rating
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"


def test_export_then_import_unchanged_changes_nothing(assessment, staff):
    item = assessment.version.items.get(code="CON-01")
    services.save_answer(assessment, item, value="yes", comment="締結済み", user=staff)
    content = workbook.build_workbook(assessment, language="en")
    plan = workbook.read_workbook(content, "a.xlsx", assessment)
    assert plan.problems == []
    counts = plan.counts
    assert (counts["new"], counts["changed"], counts["conflict"]) == (0, 0, 0)
    assert counts["unchanged"] == assessment.version.items.count()


def test_a_conflict_is_shown_and_not_overwritten_silently(assessment, staff, other_staff):
    items = {i.code: i for i in assessment.version.items.all()}
    services.save_answer(assessment, items["CON-01"], value="yes", user=staff)
    services.save_answer(assessment, items["CON-02"], value="yes", user=staff)
    content = workbook.build_workbook(assessment, language="ja")
    # After the export, someone changes both answers in the app...
    services.save_answer(assessment, items["CON-01"], value="partial", user=staff)
    services.save_answer(assessment, items["CON-02"], value="partial", user=staff)
    # ...and the vendor changes only CON-01 in the workbook.
    data = filled(content, {"CON-01": "×"})

    plan = workbook.read_workbook(data, "a.xlsx", assessment)
    kinds = {c.code: c.kind for c in plan.changes}
    assert kinds["CON-01"] == "conflict"
    assert kinds["CON-02"] == "unchanged"  # untouched in the workbook: the app's answer stays

    workbook.apply_plan(assessment, plan, user=staff)
    assert assessment.answers.get(item__code="CON-01").value == "partial"
    assert assessment.answers.get(item__code="CON-02").value == "partial"

    workbook.apply_plan(assessment, plan, user=staff, overwrite={"CON-01"})
    assert assessment.answers.get(item__code="CON-01").value == "no"


def test_a_change_in_the_app_after_the_preview_undoes_the_whole_import(assessment, staff):
    items = {i.code: i for i in assessment.version.items.all()}
    content = workbook.build_workbook(assessment, language="ja")
    plan = workbook.read_workbook(filled(content, {"CON-01": "○", "CON-02": "○"}), "a", assessment)
    services.save_answer(assessment, items["CON-02"], value="no", user=staff)
    with pytest.raises(workbook.WorkbookError, match="CON-02"):
        workbook.apply_plan(assessment, plan, user=staff)
    assert not assessment.answers.filter(item__code="CON-01").exists()


def test_a_workbook_of_an_older_version_imports_what_matches(
    assessment, staff, vendor, manager, admin_user
):
    old_content = workbook.build_workbook(assessment, language="ja")
    draft = new_draft_from(assessment.version, user=admin_user)
    changed = draft.items.get(code="CON-02")
    changed.question_ja = "漏えい時の報告義務と報告期限が契約に明記されていますか。"
    changed.save()
    draft.items.get(code="CON-03").delete()
    publish_version(draft, user=admin_user)
    new_assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    assert new_assessment.version == draft
    data = filled(old_content, {"CON-01": "○", "CON-02": "○", "CON-03": "○"})

    with translation.override("en"):
        plan = workbook.read_workbook(data, "old.xlsx", new_assessment)

    assert not plan.same_assessment
    assert {c.code: c.kind for c in plan.changes} == {"CON-01": "new"}
    assert dict(plan.unmatched) == {
        "CON-02": "changed in this checklist version",
        "CON-03": "not in this checklist version",
    }
    workbook.apply_plan(new_assessment, plan, user=staff)
    assert new_assessment.answers.get(item__code="CON-01").value == "yes"


def test_errors_name_the_sheet_and_cell_in_the_users_language(assessment):
    content = workbook.build_workbook(assessment, language="ja")
    data = filled(content, {"CON-01": "たぶん", "INC-01": "すぐ"})
    rows = sheets_by_code(load_workbook(io.BytesIO(data)))
    with translation.override("ja"):
        plan = workbook.read_workbook(data, "a.xlsx", assessment)
        messages = [str(p) for p in plan.problems]
    sheet, number = rows["CON-01"]
    message = next(m for m in messages if "たぶん" in m)
    assert f"シート「{sheet.title}」のセル F{number}" in message
    with translation.override("en"):
        plan = workbook.read_workbook(data, "a.xlsx", assessment)
        assert any("Enter a number" in str(p) for p in plan.problems)
    assert not plan.applicable


def test_the_workbook_is_laid_out_for_japanese_print(assessment):
    book = load_workbook(io.BytesIO(workbook.build_workbook(assessment, language="ja")))
    cover, first = book.worksheets[0], book.worksheets[2]
    assert cover.title == "表紙"
    assert book[workbook.META_SHEET].sheet_state == "veryHidden"
    assert book.security.lockStructure
    assert first.protection.sheet
    assert first.cell(4, 1).protection.locked and not first.cell(4, 6).protection.locked
    assert int(first.page_setup.paperSize) == int(first.PAPERSIZE_A4) == 9
    assert first.print_title_rows == "$3:$3"
    assert first.cell(4, 2).font.name == "游ゴシック"
    assert first.column_dimensions["B"].width >= 40
    validations = first.data_validations.dataValidation
    assert any(v.type == "list" for v in validations)
    pol = sheets_by_code(book)["POL-04"]
    assert "POL-03" in pol[0].cell(pol[1], 4).value  # the condition in words


def _zip_with(content: bytes, extra: dict, types_extra: str = "") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and types_extra:
                data = data.replace(b"</Types>", types_extra.encode() + b"</Types>")
            target.writestr(info, data)
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def exported(assessment):
    return workbook.build_workbook(assessment, language="ja")


def hostile_files(exported):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", b"<" + b" " * 60_000_000 + b"/>")
    return {
        "macro": (
            "filled.xlsm",
            _zip_with(
                exported,
                {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
                '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
            ),
            "Macro-enabled",
        ),
        "macro renamed": (
            "filled.xlsx",
            _zip_with(exported, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
            "Macro-enabled",
        ),
        "external link": (
            "filled.xlsx",
            _zip_with(exported, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
            "external links",
        ),
        "zip bomb": ("bomb.xlsx", bomb.getvalue(), "unpacks to far more"),
        "not a workbook": ("notes.xlsx", "メモ".encode(), "not an Excel workbook"),
        "no identity": ("plain.xlsx", _plain_workbook(), "identity sheet is missing"),
    }


def _plain_workbook():
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "kind",
    ["macro", "macro renamed", "external link", "zip bomb", "not a workbook", "no identity"],
)
def test_hostile_files_are_refused_with_a_message(assessment, exported, kind):
    name, data, message = hostile_files(exported)[kind]
    with (
        translation.override("en"),
        pytest.raises((SpreadsheetRefused, workbook.WorkbookError)) as refusal,
    ):
        workbook.read_workbook(data, name, assessment)
    assert message in str(refusal.value)


def test_a_workbook_with_ten_thousand_rows_is_refused(assessment, exported):
    book = load_workbook(io.BytesIO(exported))
    sheet = book.worksheets[2]
    code = sheet.cell(4, 1).value
    for _n in range(10_000):
        sheet.append([code, None, None, None, None, "○"])
    out = io.BytesIO()
    book.save(out)
    with translation.override("en"), pytest.raises(workbook.WorkbookError) as refusal:
        workbook.read_workbook(out.getvalue(), "big.xlsx", assessment)
    assert "more rows than the checklist version has items" in str(refusal.value)


def test_a_changed_identity_sheet_is_refused(assessment, exported):
    book = load_workbook(io.BytesIO(exported))
    book[workbook.META_SHEET]["B2"] = assessment.pk + 1
    out = io.BytesIO()
    book.save(out)
    with translation.override("en"), pytest.raises(workbook.WorkbookError, match="was changed"):
        workbook.read_workbook(out.getvalue(), "a.xlsx", assessment)


# The pages


def upload(content, name="filled.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_preview_then_confirm_through_the_pages(client, assessment, staff, exported):
    client.force_login(staff)
    data = filled(exported, {"CON-01": "○", "CON-02": "△"})
    url = reverse("assessments:workbook_import", args=[assessment.pk])
    response = client.post(url, {"file": upload(data)})
    assert response.status_code == 200
    assert b'data-kind="new" data-code="CON-01"' in response.content
    assert not assessment.answers.exists()
    token = response.context["token"]
    response = client.post(
        reverse("assessments:workbook_confirm", args=[assessment.pk]), {"plan": token}
    )
    assert response.status_code == 302
    assert {a.item.code: a.value for a in assessment.answers.select_related("item")} == {
        "CON-01": "yes",
        "CON-02": "partial",
    }


def test_a_forged_plan_is_refused(client, assessment, staff, other_staff):
    client.force_login(staff)
    response = client.post(
        reverse("assessments:workbook_confirm", args=[assessment.pk]), {"plan": "forged"}
    )
    assert response.status_code == 302
    assert not assessment.answers.exists()


@pytest.mark.parametrize(
    "kind",
    ["macro", "macro renamed", "external link", "zip bomb", "not a workbook", "no identity"],
)
def test_hostile_uploads_get_a_page_not_a_500(client, assessment, staff, exported, kind):
    client.force_login(staff)
    name, data, _message = hostile_files(exported)[kind]
    response = client.post(
        reverse("assessments:workbook_import", args=[assessment.pk]),
        {"file": upload(data, name)},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert not assessment.answers.exists()


def test_an_upload_over_the_limit_is_refused(client, assessment, staff, exported, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(staff)
    response = client.post(
        reverse("assessments:workbook_import", args=[assessment.pk]), {"file": upload(exported)}
    )
    assert response.status_code == 422
    assert "1.0\xa0KB" in response.context["form"].errors["file"][0]


def test_the_download_is_an_xlsx_in_the_chosen_language(client, assessment, manager):
    client.force_login(manager)
    response = client.get(reverse("assessments:workbook", args=[assessment.pk]), {"lang": "en"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0].title == "Cover"
    assert "filename*=" in response["Content-Disposition"]


# The command line


def test_export_and_import_questionnaire_commands(assessment, staff, tmp_path):
    from django.core.management import CommandError, call_command

    target = tmp_path / "q.xlsx"
    out = io.StringIO()
    call_command(
        "export_questionnaire", assessment.pk, "--lang", "en", "--output", str(target), stdout=out
    )
    assert "75 items" in out.getvalue() or "items in" in out.getvalue()
    filled_path = tmp_path / "filled.xlsx"
    filled_path.write_bytes(filled(target.read_bytes(), {"CON-01": "○", "CON-02": "×"}))

    out = io.StringIO()
    call_command("import_questionnaire", assessment.pk, str(filled_path), "--dry-run", stdout=out)
    assert "new: CON-01" in out.getvalue() and "Dry run" in out.getvalue()
    assert not assessment.answers.exists()

    out = io.StringIO()
    call_command(
        "import_questionnaire", assessment.pk, str(filled_path), "--as", staff.username, stdout=out
    )
    assert "2 new" in out.getvalue()
    assert assessment.answers.get(item__code="CON-02").value == "no"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(filled(target.read_bytes(), {"CON-01": "たぶん"}))
    with pytest.raises(CommandError, match="F"):
        call_command("import_questionnaire", assessment.pk, str(bad))
    with pytest.raises(CommandError, match="may not answer"):
        call_command("import_questionnaire", assessment.pk, str(filled_path), "--as", "bob")


def test_the_findings_download_is_filtered_and_visible_only(client, assessment, staff, other_staff):
    from assessments.models import Finding
    from vendors.models import Vendor

    item = assessment.version.items.get(code="CON-01")
    Finding.objects.create(
        assessment=assessment, vendor=assessment.vendor, item=item, severity="critical", value=0
    )
    other_vendor = Vendor.objects.create(name="他人", owner=other_staff)
    other = services.start_assessment(other_vendor, user=other_staff)
    Finding.objects.create(
        assessment=other, vendor=other_vendor, item=item, severity="low", value=0.5
    )
    client.force_login(staff)
    response = client.get(reverse("assessments:findings"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:3] == ["重大", "株式会社テスト", "CON-01"]
    assert sheet.max_row == 2
    response = client.get(reverse("assessments:findings"), {"format": "xlsx", "severity": "low"})
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 1
