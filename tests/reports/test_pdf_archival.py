"""The PDF as a document to hand to an executive and to archive: the conclusion and the
sign-off on its first page, contents with page numbers, the issuing organisation, the
approval never alone on the last page, a short fingerprint; tagged, PDF/A-3b, with the
answers embedded as JSON. Conformance is checked with pikepdf (veraPDF needs a JVM that
this project does not install): the PDF/A identification in the XMP metadata, the output
intent, the attachment with its AFRelationship, and the structure tree of a tagged PDF."""

import io
import json
import re
import subprocess
from datetime import UTC, datetime

import pikepdf
import pytest
from django.core.management import call_command
from PIL import Image

from assessments import services as assessment_services
from reports import rendering
from tests.factories import ReportFactory

from .conftest import answer_items

ISSUER = "株式会社発注元ホールディングス"
CONDITIONS = "3か月以内に再委託先の一覧を提出すること"


def page_texts(path, *, layout=True) -> list[str]:
    options = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode().split("\f")[:-1]


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def issuer(settings, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (31, 58, 95)).save(logo)
    settings.REPORT_ISSUER_NAME = ISSUER
    settings.REPORT_ISSUER_NAME_EN = "Buyer Holdings K.K."
    settings.REPORT_ISSUER_LOGO = str(logo)
    return logo


@pytest.fixture
def conditional(vendor, staff, manager, version, media):
    """Approved with conditions."""
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_items(assessment, staff)
    assessment_services.apply_action(assessment, "submit", user=staff)
    assessment_services.apply_action(assessment, "begin_review", user=manager)
    assessment_services.apply_action(
        assessment,
        "approve",
        user=manager,
        comment="承認します。",
        conclusion="conditional",
        conditions=CONDITIONS,
    )
    assessment.refresh_from_db()
    return assessment


def render(assessment, language, tmp_path):
    output = tmp_path / f"report-{language}.pdf"
    call_command("render_report", assessment.pk, "--lang", language, "--output", str(output))
    return output


LABELS = {
    "ja": {
        "conclusion": "条件付きで採用可",
        "roles": ("承認者", "審査者", "作成者"),
        "toc": ("エグゼクティブサマリー", "全回答", "補足事項", "承認"),
        "notes": "補足事項",
    },
    "en": {
        "conclusion": "Adopt with conditions",
        "roles": ("Prepared by", "Reviewed by", "Approved by"),
        "toc": ("Executive summary", "All answers", "Notes for the reader", "Approval"),
        "notes": "Notes for the reader",
    },
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_first_page_carries_the_conclusion_sign_off_issuer_and_contents(
    conditional, issuer, manager, tmp_path, language
):
    output = render(conditional, language, tmp_path)
    pages = page_texts(output)
    labels = LABELS[language]
    first = pages[0]
    assert labels["conclusion"] in first
    assert flat(CONDITIONS) in flat(first)
    assert (ISSUER if language == "ja" else "Buyer Holdings K.K.") in first
    for role in labels["roles"]:
        assert role in first
    assert flat(str(manager)) in flat(first)  # reviewer and approver
    year = f"{conditional.approved_at:%Y}"
    assert (f"{year}年" in first) if language == "ja" else (year in first)

    # Contents: each entry names the page its chapter starts on.
    for label in labels["toc"]:
        match = re.search(re.escape(label) + r"[ .·…]*?(\d+)\s*$", first, re.MULTILINE)
        assert match, label
        page = int(match.group(1))
        assert 1 < page <= len(pages), label
        assert label in pages[page - 1], (label, page)

    # The logo is an image on the first page.
    with pikepdf.open(output) as pdf:
        assert len(pdf.pages[0].images) >= 1


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_approval_shares_the_last_page_and_the_body_prints_a_short_fingerprint(
    conditional, tmp_path, language
):
    output = render(conditional, language, tmp_path)
    pages = page_texts(output)
    last = pages[-1]
    assert LABELS[language]["notes"] in last  # the notes end on the approval's page
    assert LABELS[language]["toc"][-1] in last
    with pikepdf.open(output) as pdf:
        data = json.loads(pdf.attachments[rendering.ATTACHMENT_NAME].get_file().read_bytes())
    fingerprint = data["fingerprint"]
    text = flat("".join(pages))
    assert fingerprint[:16] in text
    assert fingerprint not in text


def test_long_english_section_titles_are_printed_whole_in_the_chart(conditional, tmp_path):
    output = render(conditional, "en", tmp_path)
    pages = page_texts(output, layout=False)
    summary = next(p for p in pages if "Executive summary" in p and "Score by section" in p)
    for section in conditional.version.sections.all():
        assert flat(section.title_en) in flat(summary), section.code
    assert "…" not in summary


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pdf_is_pdf_a_3b_tagged_and_carries_the_answers(conditional, tmp_path, language):
    output = render(conditional, language, tmp_path)
    with pikepdf.open(output) as pdf:
        # PDF/A-3b identification in the XMP metadata, and the sRGB output intent.
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "3B"
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B"
        intents = pdf.Root.OutputIntents
        assert intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        # Tagged: a structure tree, marked content, the document's language.
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == language
        # The answers, as a "Data" attachment listed in the catalogue's /AF.
        spec = pdf.attachments[rendering.ATTACHMENT_NAME]
        assert spec.relationship == "/Data"
        assert spec.get_file().mime_type == "application/json"
        assert any(af.get("/UF") == rendering.ATTACHMENT_NAME for af in pdf.Root.AF)
        data = json.loads(spec.get_file().read_bytes())

    stored = dict(conditional.answers.values_list("item__code", "value"))
    embedded = {row["code"]: row["value"] for row in data["answers"] if row["code"] in stored}
    assert embedded == stored
    comments = dict(conditional.answers.values_list("item__code", "comment"))
    assert {r["code"]: r["comment"] for r in data["answers"] if r["code"] in stored} == comments
    assert data["result"]["score"] == conditional.score
    assert data["result"]["rating"] == conditional.rating
    assert data["assessment"]["conclusion"] == "conditional"
    assert data["assessment"]["conditions"] == CONDITIONS
    assert data["vendor"]["name"] == conditional.vendor.name
    assert data["language"] == language


def test_the_pdf_of_the_pipeline_is_archival_too(conditional, monkeypatch):
    """The worker's render, not only the command, writes PDF/A with the answers."""
    from reports import services

    report = ReportFactory(assessment=conditional, language="ja", status="pending")
    services.render(report.pk)
    report.refresh_from_db()
    with pikepdf.open(io.BytesIO(report.file.read())) as pdf:
        assert pdf.open_metadata().pdfa_status == "3B"
        data = json.loads(pdf.attachments[rendering.ATTACHMENT_NAME].get_file().read_bytes())
    assert data["fingerprint"] == report.fingerprint


def test_a_new_issuer_name_is_a_new_fingerprint(conditional, settings):
    from reports import content

    before = content.fingerprint(conditional, "ja")
    settings.REPORT_ISSUER_NAME = "別の会社"
    assert content.fingerprint(conditional, "ja") != before


def test_the_download_name_carries_the_japan_date_not_the_utc_one(conditional):
    report = ReportFactory(assessment=conditional, language="ja")
    # 16:30 UTC on 3 December is 01:30 on 4 December in Tokyo.
    report.finished_at = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)
    assert report.download_name().endswith("_20261204.pdf")
    report.finished_at = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    assert report.download_name().endswith("_20261203.pdf")
