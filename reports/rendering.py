"""HTML to PDF with WeasyPrint, fetching nothing but our own static files.

Text typed by users is escaped by the template, and even if markup slipped through,
the URL fetcher refuses every URL other than a static file of this project: the
renderer never reaches the network or the file system on a user's behalf.
"""

import hashlib
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils.translation import gettext as _
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "reports/pdf/report.html"
# A host that cannot resolve: relative URLs in the report resolve under it.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# The issuing organisation's logo (settings.REPORT_ISSUER_LOGO), under a fixed URL.
LOGO_URL = BASE_URL + "issuer-logo"
# Tagged for screen readers, archivable, with the answers embedded (PDF/A-3 allows it).
PDF_VARIANT = "pdf/a-3b"
ATTACHMENT_NAME = "assessment-answers.json"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "reports" / "pdf"
STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "report.css"


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://report.invalid/static/<path>`` from our static files, nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url == LOGO_URL and (logo := logo_bytes()):
            suffix = Path(settings.REPORT_ISSUER_LOGO).suffix.lower()
            return URLFetcherResponse(url, logo, {"Content-Type": CONTENT_TYPES[suffix]})
        if not url.startswith(STATIC_PREFIX):
            raise RefusedURL(f"Refused to fetch {url[:200]!r}: not one of our static files")
        relative = url.removeprefix(STATIC_PREFIX).split("?", 1)[0].split("#", 1)[0]
        path = finders.find(relative) if ".." not in relative else None
        suffix = Path(relative).suffix
        if not path or suffix not in CONTENT_TYPES:
            raise RefusedURL(f"Refused to fetch {url[:200]!r}: no such static file")
        return URLFetcherResponse(
            url, Path(path).read_bytes(), {"Content-Type": CONTENT_TYPES[suffix]}
        )


@cache
def template_version() -> str:
    """Changes whenever the report's templates or stylesheet change, so that cached
    PDFs of an unchanged assessment are rendered again after a design change."""
    digest = hashlib.sha256()
    for path in sorted([*TEMPLATE_DIR.glob("*.html"), STYLESHEET]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def logo_bytes() -> bytes | None:
    """The configured logo file, or None when there is none or it cannot be read."""
    if not settings.REPORT_ISSUER_LOGO:
        return None
    try:
        return Path(settings.REPORT_ISSUER_LOGO).read_bytes()
    except OSError as error:
        logger.warning("Report logo %s cannot be read: %s", settings.REPORT_ISSUER_LOGO, error)
        return None


def issuer(language: str) -> dict:
    """The issuing organisation as the report prints it, and a digest of it for the
    fingerprint (a new name or logo is a new PDF)."""
    name = settings.REPORT_ISSUER_NAME
    if language != "ja" and settings.REPORT_ISSUER_NAME_EN:
        name = settings.REPORT_ISSUER_NAME_EN
    logo = logo_bytes()
    return {
        "name": name,
        "logo_url": LOGO_URL if logo else "",
        "digest": hashlib.sha256(name.encode() + b"\0" + (logo or b"")).hexdigest()[:16],
    }


def render_html(context) -> str:
    return get_template(PDF_TEMPLATE).render(context)


def page_counter_css() -> str:
    """The footer's "Page x of y" as a CSS content value, in the active language."""
    text = _("Page %(page)s of %(pages)s")
    parts = []
    for chunk in text.replace("%(pages)s", "\0pages\0").replace("%(page)s", "\0page\0").split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            escaped = chunk.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
            escaped = escaped.replace("\n", " ")
            parts.append(f'"{escaped}"')
    return " ".join(parts)


def write_pdf(html: str, *, answers_json: bytes | None = None) -> tuple[bytes, int]:
    """The PDF (tagged, PDF/A-3b, with ``answers_json`` embedded as its data) and its
    page count."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render(
        pdf_tags=True
    )
    attachments = []
    if answers_json is not None:
        attachments.append(
            Attachment(
                string=answers_json,
                name=ATTACHMENT_NAME,
                description=_("The assessment's answers and scores, as data"),
                relationship="Data",
            )
        )
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=attachments)
    return pdf, len(document.pages)
