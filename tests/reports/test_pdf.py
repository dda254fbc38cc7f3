"""What the PDF says, in which fonts, and what the renderer refuses to fetch."""

import contextlib
import logging
import socket
import subprocess
import threading

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from reports import rendering, services

from .conftest import VENDOR_NAME


def pdftotext(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def weasyprint_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    return caplog


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_command_renders_the_report_with_its_content(
    assessment, tmp_path, weasyprint_warnings, language
):
    output = tmp_path / f"report-{language}.pdf"
    call_command("render_report", assessment.pk, "--lang", language, "--output", str(output))

    text = flat(pdftotext(output))
    vendor_name = VENDOR_NAME if language == "ja" else "Test Call Answering K.K."
    assert flat(vendor_name) in text
    assert f"{assessment.score:.1f}" in text
    for section in assessment.version.sections.all():
        assert flat(getattr(section, f"title_{language}")) in text, section.code
    con04 = assessment.version.items.get(code="CON-04")  # answered "no": a finding
    assert flat(getattr(con04, f"recommendation_{language}"))[:15] in text
    assert "秘密保持契約書.pdf" in text  # evidence file names
    # The user's markup is printed as text, never followed.
    assert "127.0.0.1:1/x" in text

    reader = PdfReader(output)
    assert reader.metadata.title and vendor_name in reader.metadata.title
    assert reader.metadata.author
    assert reader.trailer["/Root"].get("/Lang") == language
    assert len(reader.pages) >= 8

    fonts = subprocess.run(["pdffonts", str(output)], capture_output=True, check=True)
    rows = [line.split() for line in fonts.stdout.decode().splitlines()[2:]]
    cjk = [row for row in rows if "Noto-Sans-CJK-JP" in row[0]]
    assert cjk and all(row[-5] == "yes" for row in cjk)  # embedded
    assert any("Bold" in row[0] for row in cjk)  # a real bold face, not a synthetic one

    messages = [r.getMessage() for r in weasyprint_warnings.records]
    assert not [m for m in messages if ".notdef" in m], messages


def test_a_draft_carries_the_watermark_and_an_approved_one_does_not(draft_assessment):
    html, _fingerprint = services.build(draft_assessment, "en")
    assert 'class="watermark"' in html and "DRAFT" in html
    draft_assessment.status = "approved"
    draft_assessment.snapshot = {"overall": 1}
    html, _fingerprint = services.build(draft_assessment, "en")
    assert 'class="watermark"' not in html


def test_user_text_is_escaped_in_the_html(assessment):
    html, _fingerprint = services.build(assessment, "ja")
    assert '<img src="http://127.0.0.1:1/x">' not in html
    assert "&lt;img src=&quot;http://127.0.0.1:1/x&quot;&gt;" in html


def test_the_fetcher_serves_our_static_files_and_refuses_everything_else():
    fetcher = rendering.StaticOnlyFetcher()
    response = fetcher.fetch(rendering.STATIC_PREFIX + "reports/report.css")
    assert b"@page" in response.read()
    for url in (
        "http://127.0.0.1:1/x",
        "https://example.com/a.css",
        "file:///etc/passwd",
        rendering.STATIC_PREFIX + "../../etc/passwd",
        rendering.STATIC_PREFIX + "reports/missing.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_markup_that_slipped_through_never_reaches_the_network(weasyprint_warnings):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    hits = []

    def accept():
        with contextlib.suppress(OSError):
            hits.append(server.accept())

    listener = threading.Thread(target=accept)
    listener.start()
    html = (
        f'<html><body><p>x</p><img src="http://127.0.0.1:{port}/x">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
        '<img src="http://127.0.0.1:1/x"></body></html>'
    )
    pdf, pages = rendering.write_pdf(html)
    listener.join()
    server.close()
    assert pdf.startswith(b"%PDF") and pages == 1
    assert hits == []


def test_page_counter_css_quotes_the_translated_words():
    css = rendering.page_counter_css()
    assert "counter(page)" in css and "counter(pages)" in css
    assert "<" not in css
