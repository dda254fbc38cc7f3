"""HTML to PDF with WeasyPrint, fetching nothing but our own static files.

Text typed by users is escaped by the template, and even if markup slipped through,
the URL fetcher refuses every URL other than a static file of this project: the
renderer never reaches the network or the file system on a user's behalf.
"""

import hashlib
import logging
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "reports/pdf/report.html"
# A host that cannot resolve: relative URLs in the report resolve under it.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "reports" / "pdf"
STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "report.css"


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://report.invalid/static/<path>`` from our static files, nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url, headers=None):
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


def write_pdf(html: str) -> tuple[bytes, int]:
    """The PDF and its page count."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    return document.write_pdf(), len(document.pages)
