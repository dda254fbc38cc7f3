"""Excel files in and out, shared by every app that reads or writes them.

Out: tables set in a font Japanese Excel has (游ゴシック), A4 landscape, the header row
repeated on every printed page, columns as wide as their Japanese text, and no cell
that can run as a formula (``neutralize`` as in CSV downloads).

In: ``open_xlsx`` looks at the zip before openpyxl does, so a macro-enabled file, a
workbook with external links, a file over ``UPLOAD_MAX_MB`` or one that unpacks to far
more than it weighs is refused with a message instead of being parsed.
"""

import io
import unicodedata
import zipfile

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .csvexport import neutralize

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "游ゴシック"  # Yu Gothic: on every Office for Windows and Mac since 2016
FONT_SIZE = 10
# A workbook of a few hundred rows unpacks to a few megabytes; far more is a zip bomb.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # unpacked size over packed size, for members larger than 1 MB
MAX_MEMBERS = 2000
MACRO_MARKERS = ("macroEnabled", "vbaProject")


class SpreadsheetRefused(ValueError):
    """The file is refused as a whole; the message says why, in the user's language."""


def display_width(text) -> int:
    """Columns a text takes in a spreadsheet: wide (Japanese) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text or ""))


def check_size(size: int) -> None:
    if size > settings.UPLOAD_MAX_BYTES:
        raise SpreadsheetRefused(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    if size == 0:
        raise SpreadsheetRefused(_("The file is empty."))


def open_xlsx(data: bytes, filename: str = "") -> io.BytesIO:
    """The bytes of an acceptable .xlsx file as a stream for openpyxl, or SpreadsheetRefused."""
    check_size(len(data))
    if filename.lower().endswith((".xlsm", ".xltm", ".xlsb")):
        raise SpreadsheetRefused(
            _("Macro-enabled workbooks (.xlsm) are refused; save the file as .xlsx.")
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SpreadsheetRefused(
            _("This is an old Excel 97–2003 file (.xls); save it as .xlsx and upload it again.")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetRefused(_("This file is not an Excel workbook (.xlsx).")) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SpreadsheetRefused(_("This file is not an Excel workbook (.xlsx)."))
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise SpreadsheetRefused(
            _("This workbook unpacks to far more data than it holds; it is refused as unsafe.")
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise SpreadsheetRefused(
                _("This workbook unpacks to far more data than it holds; it is refused as unsafe.")
            )
    types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or any(
        marker in types for marker in MACRO_MARKERS
    ):
        raise SpreadsheetRefused(
            _("Macro-enabled workbooks (.xlsm) are refused; save the file as .xlsx.")
        )
    rels = ""
    if "xl/_rels/workbook.xml.rels" in names:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    if any(n.startswith("xl/externalLinks/") for n in names) or "externalLink" in rels:
        raise SpreadsheetRefused(
            _(
                "This workbook links to other files (external links); remove the links "
                "(Data → Edit Links → Break Link) and upload it again."
            )
        )
    return io.BytesIO(data)


def formula_cells(data: bytes, titles, *, min_row: int = 1, max_col: int | None = None) -> dict:
    """{sheet title: {coordinate}} of the cells holding formulas, which are never
    calculated. The sheets' XML is looked at first: most workbooks have no formula, and
    then nothing more is read."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        has_formula = False
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml:
                    has_formula = True
                    break
    if not has_formula:
        return {}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    found = {}
    try:
        for title in titles:
            for row in book[title].iter_rows(min_row=min_row, max_col=max_col):
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        found.setdefault(title, set()).add(cell.coordinate)
    finally:
        book.close()
    return found


def cell_text(value) -> str:
    """What a cell holds as text: never something Excel would run as a formula."""
    return neutralize(value)


def font(**options):
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, size=options.pop("size", FONT_SIZE), charset=128, **options)


def print_setup(sheet, *, title_rows: str | None = None, landscape: bool = True) -> None:
    """A4, fitted to the page width, the header rows repeated on every printed page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    if title_rows:
        sheet.print_title_rows = title_rows


def table_workbook(title: str, header, rows, *, widths=None) -> bytes:
    """One sheet: a bold header row, then ``rows``, every cell neutralised text; filters
    on the header, the header frozen and repeated in print."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    body_font, bold = font(), font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([cell_text(h) for h in header])
    measured = [display_width(h) for h in header]
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
    for row in rows:
        texts = [cell_text(v) for v in row]
        sheet.append(texts)
        for n, text in enumerate(texts):
            measured[n] = max(measured[n], min(display_width(text), 60))
        for cell in sheet[sheet.max_row]:
            cell.font, cell.alignment = body_font, wrap
    for n, width in enumerate(widths or measured, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(8, min(width + 2, 62))
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    print_setup(sheet, title_rows="1:1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
