"""The questionnaire as an Excel workbook: out to the vendor, and back in.

Out (``build_workbook``): a cover sheet, one sheet per section (item code, question,
guidance, the condition in words, the allowed answers, then the answer, comment and
evidence-note cells, the only ones unlocked), drop-downs of the answers in the
workbook's language, and a very hidden sheet naming the assessment, the checklist
version and, per item, the revision and a fingerprint of the answer it went out with,
signed so that a changed identity is noticed.

In (``read_workbook`` → ``WorkbookPlan`` → ``apply_plan``): every row is read and
classified (new, changed, unchanged, conflict) against the answers in the app; nothing
is written until the user confirms the plan, and then every answer goes through
``services.save_answer`` in one transaction, so a conflict arising in between undoes
the whole import. Formulas are never evaluated: the value Excel stored is read and the
cells are listed.
"""

import datetime
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.csvexport import FORMULA_PREFIXES
from core.xlsx import (
    SpreadsheetRefused,
    cell_text,
    display_width,
    font,
    formula_cells,
    open_xlsx,
    print_setup,
)
from questionnaires.models import ChecklistVersion

from . import services
from .answers import IPA_SCALE_LABELS, MAX_TEXT, YES_NO_LABELS, display_answer

FORMAT = 1
META_SHEET = "_dd_identity"
LISTS_SHEET = "_dd_lists"
MARKER = "duediligence-questionnaire"
HEADER_ROW = 3
# code, question, guidance, condition, allowed answers, answer, comment, evidence note
COLUMNS = "ABCDEFGH"
WIDTHS = (11, 48, 40, 24, 26, 22, 40, 30)
ANSWER, COMMENT, EVIDENCE = 5, 6, 7  # 0-based positions in a row
EVIDENCE_SEPARATOR = "\n\n[証跡 / Evidence] "
PLAN_MAX_AGE = 3600  # seconds a preview may be confirmed for
SIGNER_SALT = "assessments.workbook.identity"

# What people write in Japanese checklists, beside the answers in either language.
YES_NO_WORDS = {
    "yes": {"yes", "y", "はい", "○", "◯", "〇", "◎", "有", "あり", "済", "実施"},
    "partial": {"partial", "partly", "一部", "△", "▲", "一部対応", "部分的"},
    "no": {"no", "n", "いいえ", "×", "✕", "✖", "x", "無", "なし", "未実施"},
    "na": {
        "na",
        "n/a",
        "not applicable",
        "該当なし",
        "対象外",
        "ー",
        "-",
        "―",
        "—",
        "–",
        "‐",
        "－",
        "/",
    },
}


class WorkbookError(ValueError):
    """A refusal of the whole file (or of the confirmation), in the user's language."""


# --------------------------------------------------------------------------- fingerprints


def item_fingerprint(item) -> str:
    """Same fingerprint, same question: what lets another version's workbook match."""
    text = json.dumps(
        [
            item.answer_type,
            item.allow_na,
            [c["value"] for c in item.choices],
            item.question_ja,
            item.question_en,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def answer_fingerprint(value, comment) -> str:
    text = json.dumps([value, comment or ""], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _signature(rows) -> str:
    payload = json.dumps(rows, ensure_ascii=False, default=str)
    return signing.Signer(salt=SIGNER_SALT).signature(payload)


# --------------------------------------------------------------------------- out


def _language_of(language) -> str:
    return "en" if (language or "ja")[:2] == "en" else "ja"


def _choice_label(choice, language) -> str:
    return choice["label"].get(language) or choice["label"]["ja"]


def _options(item, language) -> list[str]:
    if item.answer_type == "ipa_scale":
        return [str(label) for label in IPA_SCALE_LABELS.values()]
    if item.answer_type == "yes_no":
        keys = ["yes", "partial", "no"] + (["na"] if item.allow_na else [])
        return [str(YES_NO_LABELS[k]) for k in keys]
    return [_choice_label(c, language) for c in item.choices]


def condition_in_words(item, items_by_code, language) -> str:
    if not item.condition:
        return ""
    other = items_by_code.get(item.condition["item"])
    labels = []
    for value in item.condition["values"]:
        if other is not None and other.answer_type == "yes_no":
            labels.append(str(YES_NO_LABELS.get(value, value)))
        elif other is not None and other.answer_type == "ipa_scale":
            labels.append(str(IPA_SCALE_LABELS.get(value, value)))
        elif other is not None:
            labels.append(
                next(
                    (_choice_label(c, language) for c in other.choices if c["value"] == value),
                    value,
                )
            )
        else:
            labels.append(value)
    return _("Answer only if %(item)s is %(values)s.") % {
        "item": item.condition["item"],
        "values": _(" or ").join(f"“{label}”" for label in labels),
    }


def allowed_in_words(item, language) -> str:
    kind = item.answer_type
    if kind == "yes_no":
        marks = "○ / △ / ×" + (" / ー" if item.allow_na else "")
        return " / ".join(_options(item, language)) + "\n" + _("(or %(marks)s)") % {"marks": marks}
    if kind in ("single_choice", "ipa_scale"):
        return _("One of:") + "\n" + "\n".join(f"・{o}" for o in _options(item, language))
    if kind == "multi_choice":
        return (
            _("One or more, separated by “、”:")
            + "\n"
            + "\n".join(f"・{o}" for o in _options(item, language))
        )
    if kind == "number":
        unit = (item.thresholds or {}).get("unit", {}).get(language, "")
        return _("A number") + (f" ({unit})" if unit else "")
    if kind == "date":
        return _("A date (YYYY-MM-DD)")
    return _("Free text")


def _cell_value(item, value, language):
    """A stored answer as the workbook shows it."""
    if value is None or value == "" or value == []:
        return None
    kind = item.answer_type
    if kind == "yes_no":
        return str(YES_NO_LABELS.get(value, value))
    if kind == "ipa_scale":
        return str(IPA_SCALE_LABELS.get(value, value))
    if kind in ("single_choice", "multi_choice"):
        labels = {c["value"]: _choice_label(c, language) for c in item.choices}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, v) for v in values)
    if kind == "number":
        return value
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return cell_text(value)
    return cell_text(value)


def split_comment(comment: str) -> tuple[str, str]:
    """(comment, evidence note) of a stored comment; the note is kept after a marker."""
    head, marker, tail = (comment or "").rpartition(EVIDENCE_SEPARATOR)
    return (head, tail) if marker else (comment or "", "")


def join_comment(comment: str, note: str) -> str:
    return comment + EVIDENCE_SEPARATOR + note if note else comment


def _row_height(texts, widths) -> float:
    lines = 1
    for text, width in zip(texts, widths, strict=False):
        if not text:
            continue
        count = sum(
            max(1, -(-display_width(line) // max(width - 1, 1))) for line in str(text).split("\n")
        )
        lines = max(lines, count)
    return min(409, 15 * lines + 3)


def _sheet_title(section, used) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", f"{section.code} {section.title}")[:31].strip("' ")
    while title in used:
        title = title[:28] + f"~{len(used)}"
    used.add(title)
    return title


def build_workbook(assessment, *, language="ja", answers=True, sections=None) -> bytes:
    """The questionnaire of ``assessment`` as .xlsx bytes, in ``language``, with its
    current answers filled in (unless ``answers`` is false); only the sections whose
    codes are in ``sections`` when it is given (a portal invitation's scope)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    language = _language_of(language)
    with translation.override(language):
        version = assessment.version
        scope = sections
        sections = list(version.sections.order_by("position"))
        items = list(
            version.items.select_related("section").order_by("section__position", "position")
        )
        stored = {a.item_id: a for a in assessment.answers.all()} if answers else {}
        by_code = {i.code: i for i in items}  # conditions may name items out of scope
        if scope:
            sections = [s for s in sections if s.code in scope]
            items = [i for i in items if i.section.code in scope]

        workbook = Workbook()
        body, bold = font(), font(bold=True)
        heading = font(bold=True, size=14)
        wrap = Alignment(wrap_text=True, vertical="top")
        header_fill = PatternFill("solid", fgColor="DDEBF7")
        answer_fill = PatternFill("solid", fgColor="FFF9DB")
        unlocked = Protection(locked=False)

        cover = workbook.active
        cover.title = _("Cover")[:31]
        vendor = assessment.vendor
        rows = [
            (_("Security questionnaire"), None),
            (None, None),
            (_("Vendor"), vendor.display_name(language)),
            (_("Checklist"), f"{version.checklist.name} v{version.number}"),
            (_("Due date"), assessment.due_date.isoformat() if assessment.due_date else "—"),
            (_("Made on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            (_("Assessment number"), str(assessment.pk)),
            (None, None),
            (_("How to fill in this workbook"), None),
        ]
        instructions = [
            _("Each sheet after this one is a section of the checklist."),
            _(
                "Answer in the yellow cells: choose from the drop-down or type the answer; "
                "○ △ × ー are read as yes, partly, no and not applicable."
            ),
            _("Add a comment and say which evidence you can show in the last two columns."),
            _("An item marked with a condition is answered only when the condition holds."),
            _("Do not change the item codes, add sheets or use formulas: type the values."),
            _("Save the file as .xlsx and send it back; nothing else in the file is read."),
        ]
        rows += [(f"{n}.", text) for n, text in enumerate(instructions, start=1)]
        for left, right in rows:
            cover.append([left, right])
        cover["A1"].font = heading
        for row in cover.iter_rows(min_row=2):
            for cell in row:
                cell.font, cell.alignment = body, wrap
        for cell in (cover["A3"], cover["A4"], cover["A5"], cover["A6"], cover["A7"], cover["A9"]):
            cell.font = bold
        cover.column_dimensions["A"].width = 22
        cover.column_dimensions["B"].width = 80
        for number in range(10, 10 + len(instructions)):
            cover.row_dimensions[number].height = _row_height([cover.cell(number, 2).value], [80])
        cover.protection.sheet = True
        print_setup(cover, landscape=False)

        lists = workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "veryHidden"
        list_refs = {}

        def list_ref(options):
            key = tuple(options)
            if key not in list_refs:
                column = len(list_refs) + 1
                for row, option in enumerate(options, start=1):
                    lists.cell(row, column, cell_text(option))
                from openpyxl.utils import get_column_letter

                letter = get_column_letter(column)
                name = f"dd_list_{column}"
                workbook.defined_names[name] = DefinedName(
                    name, attr_text=f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(options)}"
                )
                list_refs[key] = name
            return list_refs[key]

        headers = [
            _("Item code"),
            _("Question"),
            _("Guidance"),
            _("Condition"),
            _("Allowed answers"),
            _("Answer"),
            _("Comment"),
            _("Evidence you can show"),
        ]
        used_titles = {cover.title}
        meta_items = []
        for section in sections:
            sheet = workbook.create_sheet(_sheet_title(section, used_titles))
            sheet.append([f"{section.code} {section.title}"])
            sheet.append([section.description or None])
            sheet.append(headers)
            sheet["A1"].font = heading
            sheet["A2"].font, sheet["A2"].alignment = body, wrap
            sheet.merge_cells("A2:H2")
            if section.description:
                sheet.row_dimensions[2].height = _row_height([section.description], [sum(WIDTHS)])
            for cell in sheet[HEADER_ROW]:
                cell.font, cell.fill, cell.alignment = bold, header_fill, wrap
            validations = {}
            for item in (i for i in items if i.section_id == section.pk):
                answer = stored.get(item.pk)
                value = answer.value if answer else None
                comment, note = split_comment(answer.comment if answer else "")
                row = [
                    item.code,
                    cell_text(item.question),
                    cell_text(item.guidance) or None,
                    condition_in_words(item, by_code, language) or None,
                    allowed_in_words(item, language),
                    _cell_value(item, value, language),
                    cell_text(comment) or None,
                    cell_text(note) or None,
                ]
                sheet.append(row)
                number = sheet.max_row
                for position, cell in enumerate(sheet[number]):
                    cell.font, cell.alignment = body, wrap
                    if position >= ANSWER:
                        cell.protection, cell.fill = unlocked, answer_fill
                if item.critical:
                    sheet.cell(number, 1).font = font(bold=True, color="C00000")
                if item.answer_type == "date" and value:
                    sheet.cell(number, ANSWER + 1).number_format = "yyyy-mm-dd"
                sheet.row_dimensions[number].height = _row_height(row, WIDTHS)
                key = _validation_key(item, language)
                if key not in validations:
                    validations[key] = _validation(item, language, list_ref, DataValidation)
                    sheet.add_data_validation(validations[key])
                validations[key].add(sheet.cell(number, ANSWER + 1))
                meta_items.append(
                    [
                        item.code,
                        answer.revision if answer else 0,
                        item_fingerprint(item),
                        answer_fingerprint(value, answer.comment if answer else ""),
                    ]
                )
            from openpyxl.utils import get_column_letter

            for n, width in enumerate(WIDTHS, start=1):
                sheet.column_dimensions[get_column_letter(n)].width = width
            sheet.freeze_panes = f"B{HEADER_ROW + 1}"
            sheet.protection.sheet = True
            sheet.protection.formatRows = False  # rows and columns may still be resized
            sheet.protection.formatColumns = False
            print_setup(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")

        meta = workbook.create_sheet(META_SHEET)
        meta.sheet_state = "veryHidden"
        head = [
            [MARKER, FORMAT],
            ["assessment", assessment.pk],
            ["version", version.pk],
            ["language", language],
            ["cover", cover.title],
            ["made_at", timezone.now().isoformat()],
        ]
        for row in head:
            meta.append(row)
        meta.append(["signature", _signature([head, meta_items])])
        meta.append(["items", len(meta_items)])
        for row in meta_items:
            meta.append(row)
        meta.protection.sheet = True
        lists.protection.sheet = True
        workbook.security = WorkbookProtection(lockStructure=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _validation_key(item, language):
    if item.answer_type in ("yes_no", "ipa_scale", "single_choice", "multi_choice"):
        return (item.answer_type, tuple(_options(item, language)))
    return (item.answer_type,)


def _validation(item, language, list_ref, DataValidation):
    kind = item.answer_type
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "errorTitle": _("Check the answer")[:32],
    }
    if kind in ("yes_no", "ipa_scale", "single_choice", "multi_choice"):
        return DataValidation(
            type="list",
            formula1=f"={list_ref(_options(item, language))}",
            # A warning, not a stop: ○ △ × ー and several choices are typed over it.
            errorStyle="information" if kind == "multi_choice" else "warning",
            error=_("Choose from the list (or type ○, △, × or ー).")[:255],
            promptTitle=_("Answer")[:32],
            prompt=allowed_in_words(item, language)[:255],
            **common,
        )
    if kind == "number":
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="1000000000",
            errorStyle="warning",
            error=_("Enter a number, e.g. 24.")[:255],
            promptTitle=_("Answer")[:32],
            prompt=allowed_in_words(item, language)[:255],
            **common,
        )
    if kind == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1="36526",  # 2000-01-01
            formula2="73051",  # 2099-12-31
            errorStyle="warning",
            error=_("Enter a date as YYYY-MM-DD.")[:255],
            promptTitle=_("Answer")[:32],
            prompt=allowed_in_words(item, language)[:255],
            **common,
        )
    return DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(MAX_TEXT),
        errorStyle="warning",
        error=_("Keep the answer under %(limit)s characters.")[:255] % {"limit": MAX_TEXT},
        **common,
    )


def workbook_filename(assessment, language) -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    label = "質問票" if _language_of(language) == "ja" else "questionnaire"
    return f"{assessment.vendor.display_name(language)}_{label}_{stamp}.xlsx"


# --------------------------------------------------------------------------- in: values


def _normal(text: str) -> str:
    """Full-width digits, letters and spaces to their plain forms, trimmed."""
    return unicodedata.normalize("NFKC", text).replace("\x00", "").strip()


def _unquote(text: str) -> str:
    """Undo our own export's neutralisation ('=…) so a round trip keeps the text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", _normal(text)).casefold()


def parse_cell(item, raw):
    """The value to store from what a cell holds (None: no answer), or ValueError."""
    if raw is None:
        return None
    kind = item.answer_type
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        if kind == "date":
            return raw.isoformat()
        raw = raw.isoformat()
    if isinstance(raw, int | float):
        if kind == "number":
            return _number(raw)
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = _unquote(str(raw))
    normal = _normal(text)
    if normal == "":
        return None
    if kind == "yes_no":
        key = _key(text)
        labels = {
            _key(str(label)): value
            for value in YES_NO_LABELS
            for language in ("ja", "en")
            for label in [_yes_no_label(value, language)]
        }
        value = labels.get(key) or next(
            (v for v, words in YES_NO_WORDS.items() if key in words), None
        )
        if value is None:
            raise ValueError(
                _("“%(text)s” is not one of the answers (yes, partly, no).") % {"text": normal}
            )
        if value == "na" and not item.allow_na:
            raise ValueError(_("This item cannot be answered “not applicable”."))
        return value
    if kind == "ipa_scale":
        value = _match_ipa(_key(text))
        if value is None:
            raise ValueError(
                _("“%(text)s” is not one of the answers (done, partly, not done, don't know).")
                % {"text": normal}
            )
        return value
    if kind == "single_choice":
        value = _match_choice(item, _key(text))
        if value is None:
            raise ValueError(
                _("“%(text)s” is not one of the options of this item.") % {"text": normal}
            )
        return value
    if kind == "multi_choice":
        return _match_choices(item, text)
    if kind == "number":
        return _parse_number(item, normal)
    if kind == "date":
        return _parse_date(normal)
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValueError(
            _("Keep the answer under %(limit)s characters (it has %(count)s).")
            % {"limit": MAX_TEXT, "count": len(text)}
        )
    return text


def _yes_no_label(value, language):
    with translation.override(language):
        return str(YES_NO_LABELS[value])


def _match_ipa(key):
    """An IPA scale answer from its label in either language, its value or its points."""
    for value, points in (("done", "4"), ("partly", "2"), ("not_done", "0"), ("unknown", "-1")):
        keys = {_key(value), _key(points)}
        for language in ("ja", "en"):
            with translation.override(language):
                label = str(IPA_SCALE_LABELS[value])
            keys |= {_key(label), _key(label.rsplit("(", 1)[0])}
        if key in keys or (value == "unknown" and key == _key("−1")):
            return value
    return None


def _choice_keys(choice):
    return {_key(choice["value"]), *(_key(label) for label in choice["label"].values() if label)}


def _match_choice(item, key):
    return next((c["value"] for c in item.choices if key in _choice_keys(c)), None)


def _match_choices(item, text):
    """Several options in one cell: each label (in either language) or code is found
    and taken out; anything left but separators is an unknown option."""
    rest = _key(text)
    if (single := _match_choice(item, rest)) is not None:
        return [single]
    found = []
    candidates = sorted(
        ((k, c["value"]) for c in item.choices for k in _choice_keys(c)), key=lambda p: -len(p[0])
    )
    for key, value in candidates:
        if key and key in rest:
            rest = rest.replace(key, " ")
            if value not in found:
                found.append(value)
    left = re.sub(r"[\s、,，;；/・\n]+", "", rest)
    if left:
        raise ValueError(
            _("“%(text)s” is not one of the options of this item.")
            % {"text": re.sub(r"\s+", " ", rest).strip(" 、,;/・")}
        )
    order = [c["value"] for c in item.choices]
    return sorted(found, key=order.index) or None


def _number(value):
    if value < 0 or value > 1_000_000_000 or value != value:
        raise ValueError(_("Enter a number between 0 and 1,000,000,000."))
    return int(value) if float(value).is_integer() else float(value)


def _parse_number(item, text):
    units = [u for u in (item.thresholds or {}).get("unit", {}).values() if u]
    for unit in sorted([*units, "時間", "hours", "hour", "h", "日", "days"], key=len, reverse=True):
        if text.casefold().endswith(unit.casefold()):
            text = text[: -len(unit)].strip()
            break
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(_("Enter a number, e.g. 24.")) from None
    return _number(number)


def _parse_date(text):
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            pass
    raise ValueError(_("Enter a date as YYYY-MM-DD."))


# --------------------------------------------------------------------------- in: the plan


@dataclass
class Problem:
    sheet: str
    cell: str
    message: str

    def __str__(self):
        return _("Sheet “%(sheet)s”, cell %(cell)s: %(message)s") % vars(self)


@dataclass
class Change:
    code: str
    kind: str  # new, changed, unchanged, conflict
    value: object
    comment: str
    base_revision: int
    sheet: str = ""
    row: int = 0
    theirs: object = None
    theirs_comment: str = ""
    theirs_by: str = ""


@dataclass
class WorkbookPlan:
    assessment: int
    version: int
    source_version: int
    same_assessment: bool
    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    formula_cells: list = field(default_factory=list)  # "Sheet!F7"
    unmatched: list = field(default_factory=list)  # [code, reason]
    missing: list = field(default_factory=list)  # codes of the version not in the file

    def of_kind(self, kind):
        return [c for c in self.changes if c.kind == kind]

    @property
    def counts(self):
        return {k: len(self.of_kind(k)) for k in ("new", "changed", "unchanged", "conflict")}

    @property
    def applicable(self) -> bool:
        return not self.problems

    def to_token(self, user) -> str:
        data = asdict(self)
        data["problems"] = []  # a plan with problems is never confirmed
        return signing.dumps(data, salt=_plan_salt(self.assessment, user), compress=True)

    @classmethod
    def from_token(cls, token, assessment, user) -> "WorkbookPlan":
        try:
            data = signing.loads(token, salt=_plan_salt(assessment.pk, user), max_age=PLAN_MAX_AGE)
        except signing.SignatureExpired:
            raise WorkbookError(
                _("This preview is more than an hour old; upload the workbook again.")
            ) from None
        except signing.BadSignature:
            raise WorkbookError(
                _("This preview cannot be confirmed; upload the workbook again.")
            ) from None
        data["changes"] = [Change(**c) for c in data["changes"]]
        return cls(**data)


def _plan_salt(assessment_pk, who) -> str:
    """Whose preview it is: a user, or a string naming another confirmer (a portal
    invitation), so that nobody else can confirm it."""
    who = who if isinstance(who, str) else getattr(who, "pk", None)
    return f"assessments.workbook.plan:{assessment_pk}:{who}"


def _read_meta(book):
    if META_SHEET not in book.sheetnames:
        raise WorkbookError(
            _(
                "This workbook was not made by DueDiligence (its identity sheet is missing); "
                "download the questionnaire workbook of the assessment and fill that in."
            )
        )
    rows = [list(r) for r in book[META_SHEET].iter_rows(values_only=True)]
    try:
        head = [[r[0], r[1]] for r in rows[:6]]
        info = dict(head)
        signature = rows[6][1]
        count = int(rows[7][1])
        items = [[r[0], int(r[1]), r[2], r[3]] for r in rows[8 : 8 + count]]
        valid = head[0] == [MARKER, FORMAT] and signing.constant_time_compare(
            str(signature), _signature([head, items])
        )
    except (IndexError, TypeError, ValueError):
        valid = False
    if not valid:
        raise WorkbookError(
            _(
                "The identity sheet of this workbook was changed, so it cannot be matched "
                "to an assessment; download the workbook again."
            )
        )
    return info, items


def read_workbook(data: bytes, filename: str, assessment) -> WorkbookPlan:
    """Read a filled workbook into a plan for ``assessment``; WorkbookError or
    SpreadsheetRefused when the file is refused as a whole."""
    from openpyxl import load_workbook

    stream = open_xlsx(data, filename)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever the broken XML makes it raise
        raise SpreadsheetRefused(_("This workbook cannot be read; it may be damaged.")) from None
    try:
        info, meta_items = _read_meta(book)
        return _plan(book, data, info, meta_items, assessment)
    finally:
        book.close()


def _plan(book, data, info, meta_items, assessment) -> WorkbookPlan:
    version = assessment.version
    source_version = ChecklistVersion.objects.filter(pk=info.get("version")).first()
    if source_version is None:
        raise WorkbookError(_("The checklist version of this workbook no longer exists."))
    same_version = source_version.pk == version.pk
    same_assessment = same_version and info.get("assessment") == assessment.pk
    exported = {
        code: (revision, item_fp, answer_fp) for code, revision, item_fp, answer_fp in meta_items
    }
    items = {i.code: i for i in version.items.select_related("section")}
    current = {a.item.code: a for a in assessment.answers.select_related("item", "updated_by")}
    plan = WorkbookPlan(
        assessment=assessment.pk,
        version=version.pk,
        source_version=source_version.pk,
        same_assessment=same_assessment,
    )
    skip = {info.get("cover"), META_SHEET, LISTS_SHEET}
    sheets = [s for s in book.sheetnames if s not in skip]
    formulas = formula_cells(data, sheets, min_row=HEADER_ROW + 1, max_col=len(COLUMNS))
    limit = len(meta_items)
    seen = {}
    rows_read = 0
    for title in sheets:
        sheet_formulas = formulas.get(title, set())
        for number, row in enumerate(
            book[title].iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS), values_only=True),
            start=HEADER_ROW + 1,
        ):
            if not any(v not in (None, "") for v in row):
                continue
            rows_read += 1
            if rows_read > limit:
                raise WorkbookError(
                    _(
                        "This workbook has more rows than the checklist version has items "
                        "(%(count)s); it is refused."
                    )
                    % {"count": limit}
                )
            row = list(row) + [None] * (len(COLUMNS) - len(row))
            for position in (ANSWER, COMMENT, EVIDENCE):
                coordinate = f"{COLUMNS[position]}{number}"
                if coordinate in sheet_formulas:
                    plan.formula_cells.append(f"{title}!{coordinate}")
            code = _normal(str(row[0] or ""))
            if not code:
                plan.problems.append(Problem(title, f"A{number}", _("The item code is missing.")))
                continue
            if code not in exported:
                plan.problems.append(
                    Problem(
                        title,
                        f"A{number}",
                        _("“%(code)s” is not an item of this workbook.") % {"code": code},
                    )
                )
                continue
            if code in seen:
                plan.problems.append(
                    Problem(
                        title,
                        f"A{number}",
                        _("Item %(code)s appears twice (also in %(where)s).")
                        % {"code": code, "where": seen[code]},
                    )
                )
                continue
            seen[code] = f"{title}!A{number}"
            item = items.get(code)
            if item is None or (not same_version and item_fingerprint(item) != exported[code][1]):
                reason = (
                    _("not in this checklist version")
                    if item is None
                    else _("changed in this checklist version")
                )
                plan.unmatched.append([code, str(reason)])
                continue
            _classify(plan, item, row, title, number, exported[code], current.get(code))
    plan.missing = [code for code in items if code not in seen]
    return plan


def _classify(plan, item, row, title, number, exported, answer):
    try:
        value = parse_cell(item, row[ANSWER])
    except ValueError as error:
        plan.problems.append(Problem(title, f"{COLUMNS[ANSWER]}{number}", str(error)))
        return
    comment = _unquote(str(row[COMMENT] or "")).replace("\x00", "").strip()
    note = _unquote(str(row[EVIDENCE] or "")).replace("\x00", "").strip()
    comment = join_comment(comment, note)
    if len(comment) > MAX_TEXT:
        plan.problems.append(
            Problem(
                title,
                f"{COLUMNS[COMMENT]}{number}",
                _("Keep the comment under %(limit)s characters (it has %(count)s).")
                % {"limit": MAX_TEXT, "count": len(comment)},
            )
        )
        return
    theirs = answer.value if answer else None
    theirs_comment = answer.comment if answer else ""
    revision = answer.revision if answer else 0
    change = Change(
        code=item.code,
        kind="unchanged",
        value=value,
        comment=comment,
        base_revision=revision,
        sheet=title,
        row=number,
        theirs=theirs,
        theirs_comment=theirs_comment,
        theirs_by=str(answer.updated_by or "") if answer else "",
    )
    if not plan.same_assessment and value is None and not comment:
        return  # another assessment's blank row clears nothing
    if (value, comment) == (theirs, theirs_comment):
        change.kind = "unchanged"
    elif plan.same_assessment:
        exported_revision, _item_fp, exported_answer = exported
        if answer_fingerprint(value, comment) == exported_answer:
            change.kind = "unchanged"  # not touched in the workbook; the app's answer stays
        elif revision == exported_revision:
            change.kind = "new" if theirs is None and not theirs_comment else "changed"
        else:
            change.kind = "conflict"
    elif theirs is None and not theirs_comment:
        change.kind = "new"
    else:
        change.kind = "conflict"
    plan.changes.append(change)


def describe(plan, assessment):
    """The plan's rows for the preview page, with questions and answers in words."""
    items = {i.code: i for i in assessment.version.items.select_related("section")}
    rows = []
    for change in plan.changes:
        item = items.get(change.code)
        if item is None:
            continue
        rows.append(
            {
                "change": change,
                "item": item,
                "new": display_answer(item, change.value),
                "old": display_answer(item, change.theirs),
                "comment_changed": change.comment != change.theirs_comment,
            }
        )
    return rows


@transaction.atomic
def apply_plan(assessment, plan: WorkbookPlan, *, user=None, contact=None, overwrite=()) -> dict:
    """Write the new and changed answers of a confirmed plan (and the conflicts in
    ``overwrite``, knowingly) through save_answer, as staff ``user`` or as the vendor
    ``contact``; all of them or none. A row whose answer already reads as the plan says
    is left alone, so a replayed confirmation (a double click, the back button) writes
    nothing a second time."""
    from .models import Answer, Assessment

    if plan.assessment != assessment.pk or plan.version != assessment.version_id:
        raise WorkbookError(_("This preview belongs to another assessment."))
    if plan.problems:
        raise WorkbookError(_("Correct the problems in the workbook first; nothing was saved."))
    # Two confirmations at once: the second waits here, then finds the answers written.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk").first()
    items = {i.code: i for i in assessment.version.items.all()}
    current = {
        code: (value, comment)
        for code, value, comment in Answer.objects.filter(assessment=assessment).values_list(
            "item__code", "value", "comment"
        )
    }
    written = {"new": 0, "changed": 0, "conflict": 0}
    wanted = 0
    for change in plan.changes:
        if change.kind == "unchanged" or (
            change.kind == "conflict" and change.code not in overwrite
        ):
            continue
        wanted += 1
        if current.get(change.code) == (change.value, change.comment):
            continue
        try:
            services.save_answer(
                assessment,
                items[change.code],
                value=change.value,
                comment=change.comment,
                base_revision=change.base_revision,
                user=user,
                contact=contact,
            )
        except services.AnswerConflict:
            raise WorkbookError(
                _(
                    "Item %(code)s was changed in the app after this preview; nothing was "
                    "saved. Upload the workbook again to see the latest answers."
                )
                % {"code": change.code}
            ) from None
        written[change.kind] += 1
    if wanted and not any(written.values()):
        raise WorkbookError(_("This workbook was already imported; nothing was saved again."))
    return written


# --------------------------------------------------------------------------- findings


def findings_export(findings):
    """The (filtered, access-checked) findings as one Excel sheet."""
    from core.xlsx import table_workbook, xlsx_response

    header = [
        _("Severity"),
        _("Vendor"),
        _("Item"),
        _("Question"),
        _("Recommendation"),
        _("Status"),
        _("Owner"),
        _("Due date"),
        _("Vendor's remediation plan"),
        _("Note on closing or accepting"),
    ]
    language = translation.get_language() or "ja"
    rows = [
        [
            f.get_severity_display(),
            f.vendor.display_name(language),
            f.item.code,
            f.item.question,
            f.item.recommendation,
            f.get_status_display(),
            str(f.owner or ""),
            f.due_date.isoformat() if f.due_date else "",
            f.remediation_plan,
            f.closing_note,
        ]
        for f in findings
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        f"findings-{stamp}.xlsx",
        table_workbook(_("Findings"), header, rows, widths=[8, 24, 9, 48, 48, 14, 14, 11, 36, 30]),
    )
