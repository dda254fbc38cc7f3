"""Import of standard questionnaire formats into a checklist document, with a report.

Two formats, both brought by the user (no third-party questionnaire text ships here):

* Google VSAQ questionnaire JSON: ``{"questionnaire": [{"type": "block", ...}]}``.
  Blocks become sections; ``yesno`` a yes/no item, ``radiogroup`` one choice,
  ``checkgroup`` several choices, ``line`` and ``box`` free text, ``check`` a yes/no
  item; an ``info`` text becomes the question of the next item that has none, or its
  guidance; a warning ``tip`` shown on one answer of a yes/no item becomes that item's
  recommendation (and a critical tip makes it critical). ``cond`` becomes the item's
  condition where it names one earlier item (``q1``, ``q1/yes``, ``q1/no``, a choice,
  or several of them joined by ``||``); anything else (``&&``, ``!``) is reported and
  the item is shown always.
* CSA CAIQ v4, the workbook the CSA publishes: the sheet whose header row holds
  "Question ID" and "Question". Each question becomes a yes/no item (N/A allowed)
  in the section of its CCM domain. The answers in the file are the vendor's, not the
  questionnaire's, and are not imported.

Both give a :class:`ChecklistDoc` checked by the same rules as a YAML import and an
:class:`ImportReport` of what was mapped and what was not. The texts of the file stand
in both languages (the file has one); the report says so, to be translated in the draft.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .checklist_schema import (
    ChecklistDoc,
    ChecklistImportError,
    ChoiceDoc,
    ConditionDoc,
    ImportProblem,
    ItemDoc,
    SectionDoc,
    capped,
    validate,
)

FORMATS = ("vsaq", "caiq")
MAX_ITEMS_PER_SECTION = 99  # item codes end in two digits
MAX_ITEMS = 2000
MAX_TEXT = 5000
# Every imported question is about a supplier's controls (ISO/IEC 27001:2022 A.5.19);
# a CAIQ domain names a closer control where there is one. The draft refines them.
SUPPLIER_CONTROL = "5.19"


@dataclass
class ReportRow:
    source: str  # the id (or position) in the file
    text: str
    code: str = ""  # the item code it became, empty when not mapped
    kind: str = ""  # the answer type it became
    note: str = ""


@dataclass
class ImportReport:
    format: str
    mapped: list[ReportRow] = field(default_factory=list)
    unmapped: list[ReportRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "mapped": [vars(row) for row in self.mapped],
            "unmapped": [vars(row) for row in self.unmapped],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(
            format=data["format"],
            mapped=[ReportRow(**row) for row in data["mapped"]],
            unmapped=[ReportRow(**row) for row in data["unmapped"]],
            notes=list(data["notes"]),
        )


@dataclass
class ImportResult:
    doc: ChecklistDoc
    report: ImportReport


def _refuse(message: str) -> ChecklistImportError:
    return ChecklistImportError([ImportProblem(None, message)])


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def plain(value: Any) -> str:
    """The text of a value from the file: HTML tags dropped, entities read, trimmed."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        value = f"{value:g}" if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        return ""
    text = html.unescape(_TAG.sub(" ", value.replace("<br>", "\n")))
    lines = [_SPACE.sub(" ", line).strip() for line in text.replace("\x00", "").splitlines()]
    return "\n".join(line for line in lines if line)[:MAX_TEXT]


def _both(text: str) -> dict[str, str]:
    return {"ja": text, "en": text}


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_VALUE = re.compile(r"[^a-z0-9_]+")


def choice_value(raw: str, taken: set[str]) -> str:
    """A choice value the schema accepts (lower-case letters, digits, underscores)."""
    value = _VALUE.sub("_", str(raw).lower()).strip("_") or "choice"
    if value == "na":
        value = "na_choice"
    base, n = value, 2
    while value in taken:
        value, n = f"{base}_{n}", n + 1
    taken.add(value)
    return value


def _header(name: str, description: str, label: str) -> dict:
    return {"name": _both(name), "description": _both(description), "label": label}


class _Builder:
    """Sections and items as they are read, with codes handed out in order."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.sections: list[dict] = []
        self.count = 0

    def section(self, title: str, *, code: str | None = None, risk_area: str) -> dict:
        number = len(self.sections) + 1
        section = {
            "code": code or f"{self.prefix}{number:02d}",
            "title": title,
            "risk_area": risk_area,
            "items": [],
        }
        self.sections.append(section)
        return section

    def add(self, section: dict, item: dict) -> tuple[dict, str]:
        """Add ``item`` to ``section``, or to its continuation once it holds 99 items."""
        while len(section["items"]) >= MAX_ITEMS_PER_SECTION:
            if "overflow" not in section:
                section["overflow"] = self.section(
                    f"{section['title']} ({_('continued')})", risk_area=section["risk_area"]
                )
            section = section["overflow"]
        code = f"{section['code']}-{len(section['items']) + 1:02d}"
        item["code"] = code
        section["items"].append(item)
        self.count += 1
        return section, code

    def doc(self, header: dict) -> ChecklistDoc:
        sections = []
        for section in self.sections:
            if not section["items"]:
                continue
            sections.append(
                SectionDoc(
                    code=section["code"],
                    risk_area=section["risk_area"],
                    weight=1,
                    title=_both(_short(section["title"], 190) or section["code"]),
                    description=None,
                    items=tuple(_item_doc(item) for item in section["items"]),
                )
            )
        if not sections:
            raise _refuse(_("The file holds no question that could be imported."))
        doc = ChecklistDoc(
            name=header["name"],
            description=header["description"],
            version_label=header["label"],
            sections=tuple(sections),
        )
        try:
            return validate(doc)
        except ChecklistImportError as exc:  # a bug of the mapping, not of the file
            raise ChecklistImportError(capped(exc.errors)) from None


def _item_doc(item: dict) -> ItemDoc:
    scored = item.get("weight", 0) > 0
    recommendation = item.get("recommendation") or (
        _("Ask the vendor to put this control in place, or to explain what it does instead.")
        if scored
        else None
    )
    return ItemDoc(
        code=item["code"],
        type=item["type"],
        weight=item.get("weight", 0),
        critical=bool(item.get("critical")) and scored,
        allow_na=bool(item.get("allow_na")) and item["type"] == "yes_no",
        required=True,
        evidence_expected=False,
        question=_both(item["question"]),
        guidance=_both(item["guidance"]) if item.get("guidance") else None,
        recommendation=_both(recommendation) if recommendation else None,
        iso27001=(item.get("iso27001") or SUPPLIER_CONTROL,),
        choices=tuple(
            ChoiceDoc(value, _both(label), 0.0) for value, label in item.get("choices", ())
        ),
        condition=item.get("condition"),
    )


# --------------------------------------------------------------------------- VSAQ

VSAQ_QUESTION_TYPES = ("yesno", "radiogroup", "checkgroup", "line", "box", "check")
VSAQ_IGNORED = ("spacer",)


class _Vsaq:
    def __init__(self) -> None:
        self.build = _Builder("V")
        self.report = ImportReport("vsaq")
        # VSAQ id -> (item dict, {value in a condition: our answer value})
        self.targets: dict[str, tuple[dict, dict[str, str]]] = {}
        self.positions = 0

    def source(self, node: dict) -> str:
        self.positions += 1
        ident = node.get("id")
        return str(ident) if isinstance(ident, str | int) and str(ident) else f"#{self.positions}"

    def walk(self, nodes: Any, section: dict | None, path: list[str]) -> None:
        if not isinstance(nodes, list):
            return
        pending_info: list[str] = []
        for node in nodes:
            if self.build.count >= MAX_ITEMS:
                raise _refuse(
                    _("The file has more than %(count)s questions; split it and import the parts.")
                    % {"count": MAX_ITEMS}
                )
            if not isinstance(node, dict):
                self.report.unmapped.append(
                    ReportRow(f"#{self.positions + 1}", "", note=_("not an item"))
                )
                self.positions += 1
                continue
            kind = node.get("type")
            if kind == "block":
                title = plain(node.get("text")) or plain(node.get("id")) or _("Questions")
                titles = [*path, title]
                self.source(node)
                child = self.build.section(" / ".join(titles), risk_area="asset_management")
                self.walk(node.get("items"), child, titles)
                pending_info = []
                continue
            if section is None:
                section = self.build.section(_("Questions"), risk_area="asset_management")
            if kind == "info":
                text = plain(node.get("text"))
                self.source(node)
                if text:
                    pending_info.append(text)
                continue
            if kind == "tip":
                self.tip(node)
                continue
            if kind in VSAQ_QUESTION_TYPES:
                self.question(node, kind, section, pending_info)
                pending_info = []
                continue
            source = self.source(node)
            text = _short(plain(node.get("text")))
            if kind in VSAQ_IGNORED:
                continue
            self.report.unmapped.append(
                ReportRow(
                    source,
                    text,
                    note=_("the item type “%(type)s” has no counterpart in a checklist")
                    % {"type": str(kind)[:40]},
                )
            )

    def question(self, node: dict, kind: str, section: dict, info: list[str]) -> None:
        source = self.source(node)
        text = plain(node.get("text"))
        question, guidance = text, "\n".join(info)
        if not question:
            question, guidance = guidance, ""
        if not question:
            self.report.unmapped.append(
                ReportRow(source, "", note=_("no question text in the item or before it"))
            )
            return
        item: dict[str, Any] = {"question": question, "guidance": guidance}
        values: dict[str, str] = {}
        note = ""
        if kind in ("yesno", "check"):
            item.update(type="yes_no", weight=1 if kind == "yesno" else 0)
            values = {"yes": "yes", "no": "no", "": "yes", "checked": "yes"}
            note = (
                _("yes/no; scored with “yes” as the good answer")
                if kind == "yesno"
                else _("a single checkbox, as yes/no; not scored")
            )
        elif kind in ("radiogroup", "checkgroup"):
            taken: set[str] = set()
            choices = []
            for entry in node.get("choices") or []:
                if isinstance(entry, dict) and len(entry) == 1:
                    (key, label), *_rest = entry.items()
                    label = plain(label) or plain(key)
                elif isinstance(entry, str):
                    key, label = entry, plain(entry)
                else:
                    continue
                if not label:
                    continue
                value = choice_value(key, taken)
                values[str(key)] = value
                choices.append((value, _short(label, 500)))
            if len(choices) < 2:
                self.report.unmapped.append(
                    ReportRow(source, _short(question), note=_("fewer than two choices"))
                )
                return
            item.update(
                type="single_choice" if kind == "radiogroup" else "multi_choice",
                weight=0,
                choices=choices,
            )
            note = _("choices carry no score in VSAQ: set scores and a weight to score it")
        else:
            item.update(type="text", weight=0)
            note = _("free text; not scored")
        condition, cond_note = self.condition(node.get("cond"))
        if condition is not None:
            item["condition"] = condition
        if cond_note:
            note = f"{note}; {cond_note}"
        section, code = self.build.add(section, item)
        if kind in ("radiogroup", "checkgroup"):
            for key, value in values.items():
                self.targets[key] = (item, {"": value, "checked": value, "yes": value})
        else:
            self.targets[source] = (item, values)
        self.report.mapped.append(ReportRow(source, _short(question), code, item["type"], note))

    def condition(self, cond: Any) -> tuple[ConditionDoc | None, str]:
        if cond in (None, ""):
            return None, ""
        if not isinstance(cond, str) or "&&" in cond or "!" in cond:
            return None, _("its condition “%(cond)s” cannot be expressed; shown always") % {
                "cond": _short(str(cond), 80)
            }
        target_item, answers = None, []
        for term in (part.strip().strip("()").strip() for part in cond.split("||")):
            ident, _slash, value = term.partition("/")
            target = self.targets.get(ident.strip())
            if target is None:
                return None, _(
                    "its condition names “%(id)s”, which is not an earlier question; shown always"
                ) % {"id": _short(ident, 60)}
            item, mapping = target
            if target_item is not None and item is not target_item:
                return None, _("its condition depends on several questions; shown always")
            target_item = item
            answer = mapping.get(value.strip())
            if answer is None:
                return None, _("its condition “%(cond)s” cannot be expressed; shown always") % {
                    "cond": _short(cond, 80)
                }
            if answer not in answers:
                answers.append(answer)
        return ConditionDoc(target_item["code"], tuple(answers)), ""

    def tip(self, node: dict) -> None:
        source = self.source(node)
        text = plain(node.get("text"))
        cond = node.get("cond")
        ident, _slash, value = str(cond or "").partition("/")
        target = self.targets.get(ident.strip()) if isinstance(cond, str) else None
        warns = str(node.get("warn", "")).lower() in ("yes", "true")
        if (
            text
            and target is not None
            and target[0]["type"] == "yes_no"
            and value.strip() == "no"
            and warns
        ):
            item = target[0]
            item["recommendation"] = text
            if str(node.get("severity", "")).lower() == "critical" and item["weight"] > 0:
                item["critical"] = True
            self.report.mapped.append(
                ReportRow(
                    source,
                    _short(text),
                    item["code"],
                    "",
                    _("a warning on “no”: the recommendation of %(code)s") % {"code": item["code"]},
                )
            )
            return
        if text and target is not None:
            item = target[0]
            item["guidance"] = "\n".join(filter(None, [item.get("guidance"), text]))
            self.report.mapped.append(
                ReportRow(
                    source,
                    _short(text),
                    item["code"],
                    "",
                    _("a tip: added to the guidance of %(code)s") % {"code": item["code"]},
                )
            )
            return
        self.report.unmapped.append(
            ReportRow(source, _short(text), note=_("a tip not attached to an earlier question"))
        )


def parse_vsaq(data: bytes | str, *, filename: str = "") -> ImportResult:
    """A VSAQ questionnaire (JSON) as a checklist document and a report."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise _refuse(_("The file is not UTF-8 text; a VSAQ questionnaire is JSON.")) from None
    try:
        content = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _refuse(
            _("The file is not valid JSON: %(problem)s") % {"problem": str(exc)[:200]}
        ) from None
    nodes = content.get("questionnaire") if isinstance(content, dict) else None
    if not isinstance(nodes, list):
        raise _refuse(
            _('This is not a VSAQ questionnaire: it has no "questionnaire" list at the top.')
        )
    reader = _Vsaq()
    try:
        reader.walk(nodes, None, [])
    except RecursionError:
        raise _refuse(_("The questionnaire nests blocks too deeply.")) from None
    name = _first_block_title(nodes) or filename.rsplit("/", 1)[-1] or "VSAQ"
    reader.report.notes.extend(_common_notes())
    header = _header(
        _short(f"{name} (VSAQ)", 190),
        _("Imported from a VSAQ questionnaire (%(file)s).") % {"file": filename or "JSON"},
        "VSAQ",
    )
    return ImportResult(reader.build.doc(header), reader.report)


def _first_block_title(nodes: list) -> str:
    first = nodes[0] if nodes and isinstance(nodes[0], dict) else {}
    return plain(first.get("text")) if first.get("type") == "block" else ""


def _common_notes() -> list[str]:
    return [
        _(
            "The file has one language: its texts stand in both the Japanese and the English "
            "fields. Translate them in the draft."
        ),
        _(
            "Every item refers to ISO/IEC 27001:2022 A.5.19 (supplier relationships) unless "
            "a closer control is named; refine the references in the draft."
        ),
    ]


# --------------------------------------------------------------------------- CAIQ

# CCM v4 domains: the prefix of a question ID -> (section code, title, risk area,
# the closest ISO/IEC 27001:2022 Annex A control). Titles in our words.
CAIQ_DOMAINS = {
    "A&A": ("AA", "Audit and assurance", "policy_certification", "5.35"),
    "AIS": ("AIS", "Application and interface security", "access_control", "8.26"),
    "BCR": ("BCR", "Business continuity and operational resilience", "incident_response", "5.30"),
    "CCC": ("CCC", "Change control and configuration management", "asset_management", "8.32"),
    "CEK": ("CEK", "Cryptography, encryption and key management", "asset_management", "8.24"),
    "DCS": ("DCS", "Datacenter security", "physical", "7.1"),
    "DSP": ("DSP", "Data security and privacy lifecycle", "asset_management", "5.34"),
    "GRC": ("GRC", "Governance, risk and compliance", "policy_certification", "5.1"),
    "HRS": ("HRS", "Human resources", "training", "6.3"),
    "IAM": ("IAM", "Identity and access management", "access_control", "5.15"),
    "IPY": ("IPY", "Interoperability and portability", "contract", "5.23"),
    "IVS": ("IVS", "Infrastructure and virtualization security", "access_control", "8.20"),
    "LOG": ("LOG", "Logging and monitoring", "asset_management", "8.15"),
    "SEF": ("SEF", "Security incident management", "incident_response", "5.24"),
    "STA": (
        "STA",
        "Supply chain management, transparency and accountability",
        "subcontracting",
        "5.21",
    ),  # noqa: E501
    "TVM": ("TVM", "Threat and vulnerability management", "asset_management", "8.8"),
    "UEM": ("UEM", "Universal endpoint management", "asset_management", "8.1"),
}
CAIQ_ID = re.compile(r"^([A-Z&]{2,4})-(\d{1,2})(?:\.(\d{1,2}))?$")
HEADER_SEARCH_ROWS = 30
MAX_ROWS = 5000


def _cell(value: Any) -> str:
    return plain(value) if not (isinstance(value, str) and value.startswith("=")) else ""


def _find_header(book) -> tuple[Any, int, int, int, int | None] | None:
    """(sheet, header row, question-id column, question column, answer column)."""
    for sheet in book.worksheets:
        for number, row in enumerate(
            sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=40, values_only=True), start=1
        ):
            names = [plain(v).casefold() for v in row]
            if "question id" in names and "question" in names:
                answer = next(
                    (n for n, name in enumerate(names) if "answer" in name and "caiq" in name),
                    None,
                )
                if answer is None:
                    answer = next((n for n, name in enumerate(names) if name == "answer"), None)
                return sheet, number, names.index("question id"), names.index("question"), answer
    return None


def parse_caiq(data: bytes, *, filename: str = "") -> ImportResult:
    """A CSA CAIQ v4 workbook as a checklist document and a report. The workbook is read
    in read-only mode and no formula is ever calculated: a cell holding one is skipped."""
    from openpyxl import load_workbook

    from core.xlsx import SpreadsheetRefused, open_xlsx

    try:
        stream = open_xlsx(data, filename)
    except SpreadsheetRefused as exc:
        raise _refuse(str(exc)) from None
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception:  # openpyxl raises whatever broken XML makes it raise
        raise _refuse(_("This workbook cannot be read; it may be damaged.")) from None
    try:
        found = _find_header(book)
        if found is None:
            raise _refuse(
                _(
                    "No sheet of this workbook has a header row with “Question ID” and "
                    "“Question”: it does not look like a CAIQ v4 workbook."
                )
            )
        sheet, header_row, id_col, question_col, answer_col = found
        return _read_caiq(sheet, header_row, id_col, question_col, answer_col, filename)
    finally:
        book.close()


def _read_caiq(sheet, header_row, id_col, question_col, answer_col, filename) -> ImportResult:
    build = _Builder("C")
    report = ImportReport("caiq")
    sections: dict[str, dict] = {}
    seen: set[str] = set()
    answered = 0
    width = max(id_col, question_col, answer_col or 0) + 1
    for number, row in enumerate(
        sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
        start=header_row + 1,
    ):
        if number - header_row > MAX_ROWS:
            raise _refuse(
                _("The sheet has more than %(count)s rows; is it a CAIQ workbook?")
                % {"count": MAX_ROWS}
            )
        row = tuple(row) + (None,) * (width - len(row))
        raw_id, raw_question = row[id_col], row[question_col]
        if raw_id is None and raw_question is None:
            continue
        source = _cell(raw_id) or _("row %(row)s") % {"row": number}
        question = _cell(raw_question)
        if isinstance(raw_question, str) and raw_question.startswith("="):
            report.unmapped.append(
                ReportRow(source, "", note=_("the question is a formula, which is not calculated"))
            )
            continue
        match = CAIQ_ID.match(source.strip())
        if not question:
            report.unmapped.append(ReportRow(source, "", note=_("no question text")))
            continue
        if match is None:
            report.unmapped.append(
                ReportRow(source, _short(question), note=_("not a CAIQ question ID"))
            )
            continue
        if source in seen:
            report.unmapped.append(
                ReportRow(source, _short(question), note=_("the question ID appears twice"))
            )
            continue
        seen.add(source)
        if answer_col is not None and _cell(row[answer_col]):
            answered += 1
        domain = match.group(1)
        code, title, risk_area, control = CAIQ_DOMAINS.get(
            domain, (re.sub(r"[^A-Z]", "", domain) or "CX", domain, "asset_management", None)
        )
        if len(code) < 2:
            code = f"{code}X"
        section = sections.get(domain)
        if section is None:
            section = sections[domain] = build.section(title, code=code, risk_area=risk_area)
        item = {
            "type": "yes_no",
            "weight": 1,
            "allow_na": True,
            "question": question,
            "guidance": _("CAIQ v4 question %(id)s.") % {"id": source},
            "iso27001": control,
        }
        _section, item_code = build.add(section, item)
        report.mapped.append(
            ReportRow(source, _short(question), item_code, "yes_no", _("yes/no, N/A allowed"))
        )
    report.notes.extend(_common_notes())
    if answered:
        report.notes.append(
            _(
                "%(count)s questions carry an answer in the file; answers belong to an "
                "assessment and were not imported."
            )
            % {"count": answered}
        )
    header = _header(
        _short(f"CAIQ v4 ({filename or sheet.title})", 190),
        _("Imported from a CSA CAIQ v4 workbook (%(file)s, sheet %(sheet)s).")
        % {"file": filename or "xlsx", "sheet": sheet.title},
        "CAIQ v4",
    )
    return ImportResult(build.doc(header), report)


def parse_format(kind: str, data: bytes, *, filename: str = "") -> ImportResult:
    if kind == "vsaq":
        return parse_vsaq(data, filename=filename)
    if kind == "caiq":
        return parse_caiq(data, filename=filename)
    raise ValueError(f"unknown format {kind!r}")
