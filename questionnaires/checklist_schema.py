"""The checklist document: its vocabulary, its frozen dataclasses and its rules.

A pure module (no ORM, no YAML). :func:`doc_from_dict` checks plain data (dicts,
lists, text, numbers, flags) against the rules of a checklist and returns a
:class:`ChecklistDoc`; :func:`validate` checks a document built in memory (the
editor's) by the same rules. Every problem is collected, and all are raised
together as one :class:`ChecklistImportError`.

The YAML edge (``checklist_yaml``) reads a file into plain data and passes a
:class:`Source` that knows where each value stood, so the problems of an
import name their lines; a document built in memory has no lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models.enums import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "ANSWER_TYPES",
    "CHOICE_TYPES",
    "IPA_SCALE_VALUES",
    "ISO27001_CONTROL_COUNTS",
    "LANGUAGES",
    "RISK_AREAS",
    "YES_NO_VALUES",
    "AnswerType",
    "ChecklistDoc",
    "ChecklistImportError",
    "ChoiceDoc",
    "ConditionDoc",
    "ImportProblem",
    "ItemDoc",
    "Reading",
    "RepeatedKey",
    "RiskArea",
    "SectionDoc",
    "Source",
    "ThresholdsDoc",
    "doc_from_dict",
    "doc_to_dict",
    "validate",
]

LANGUAGES = ("ja", "en")


class AnswerType(TextChoices):
    YES_NO = "yes_no", gettext_lazy("Yes / partially / no")
    SINGLE_CHOICE = "single_choice", gettext_lazy("One choice")
    MULTI_CHOICE = "multi_choice", gettext_lazy("Several choices")
    NUMBER = "number", gettext_lazy("Number")
    IPA_SCALE = "ipa_scale", gettext_lazy("IPA four levels (done / partly / not done / don't know)")
    DATE = "date", gettext_lazy("Date")
    TEXT = "text", gettext_lazy("Free text")


class RiskArea(TextChoices):
    OPERATOR_ERROR = "operator_error", gettext_lazy("Operator mistakes")
    ASSET_MANAGEMENT = "asset_management", gettext_lazy("Information-asset management")
    PHYSICAL = "physical", gettext_lazy("Physical security")
    ACCESS_CONTROL = "access_control", gettext_lazy("Access rights")
    INCIDENT_RESPONSE = "incident_response", gettext_lazy("Incident response")
    POLICY_CERTIFICATION = "policy_certification", gettext_lazy("Policy and certification")
    TRAINING = "training", gettext_lazy("Training")
    CONTRACT = "contract", gettext_lazy("Contract terms")
    CUSTOM_HANDLING = "custom_handling", gettext_lazy("Per-client handling")
    SUBCONTRACTING = "subcontracting", gettext_lazy("Subcontracting")


ANSWER_TYPES = tuple(AnswerType.values)
CHOICE_TYPES = (AnswerType.SINGLE_CHOICE.value, AnswerType.MULTI_CHOICE.value)
RISK_AREAS = tuple(RiskArea.values)
# Answer values of a yes_no item ("na" only where the item allows N/A).
YES_NO_VALUES = ("yes", "partial", "no")
NA_VALUE = "na"
# Answer values of an ipa_scale item: IPA's self-check, 4 / 2 / 0 / -1 points.
IPA_SCALE_VALUES = ("done", "partly", "not_done", "unknown")
# Number of controls per ISO/IEC 27001:2022 Annex A theme (5 organizational,
# 6 people, 7 physical, 8 technological).
ISO27001_CONTROL_COUNTS = {5: 37, 6: 8, 7: 14, 8: 34}

SECTION_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
ITEM_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}-\d{2}$")
CHOICE_VALUE_RE = re.compile(r"^[a-z0-9_]+$")
ISO_REF_RE = re.compile(r"^([5-8])\.(\d{1,2})$")

TOP_KEYS = ("checklist", "sections")
CHECKLIST_KEYS = ("name", "description", "version_label")
SECTION_KEYS = ("code", "risk_area", "weight", "title", "description", "items")
ITEM_KEYS = (
    "code",
    "type",
    "weight",
    "critical",
    "allow_na",
    "required",
    "evidence_expected",
    "question",
    "guidance",
    "recommendation",
    "iso27001",
    "jisq15001",
    "appi",
    "choices",
    "thresholds",
    "condition",
)
CHOICE_KEYS = ("value", "label", "score")
THRESHOLD_KEYS = ("full", "partial", "lower_is_better", "unit")
CONDITION_KEYS = ("item", "values")

Text = dict[str, str]
Path = tuple[str | int, ...]


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class ChoiceDoc:
    value: str
    label: Text
    score: float


@dataclass(frozen=True)
class ThresholdsDoc:
    full: float
    partial: float
    lower_is_better: bool
    unit: Text


@dataclass(frozen=True)
class ConditionDoc:
    item: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ItemDoc:
    code: str
    type: str
    weight: float
    critical: bool
    allow_na: bool
    required: bool
    evidence_expected: bool
    question: Text
    guidance: Text | None
    recommendation: Text | None
    iso27001: tuple[str, ...]
    jisq15001: tuple[str, ...] = ()
    appi: tuple[str, ...] = ()
    choices: tuple[ChoiceDoc, ...] = ()
    thresholds: ThresholdsDoc | None = None
    condition: ConditionDoc | None = None


@dataclass(frozen=True)
class SectionDoc:
    code: str
    risk_area: str
    weight: float
    title: Text
    description: Text | None
    items: tuple[ItemDoc, ...]


@dataclass(frozen=True)
class ChecklistDoc:
    name: Text
    description: Text | None
    version_label: str
    sections: tuple[SectionDoc, ...]

    def iter_items(self):
        """All items in file order."""
        for section in self.sections:
            yield from section.items

    def item(self, code: str) -> ItemDoc | None:
        return next((item for item in self.iter_items() if item.code == code), None)


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return str(self.message)
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ChecklistImportError(Exception):
    """Raised by :func:`doc_from_dict` (and the YAML import) with every problem found."""

    def __init__(self, errors: list[ImportProblem]):
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.errors)


# --------------------------------------------------------------------------- plain data
#
# Plain data is what a file reads as: dicts, lists, text, numbers, true/false,
# None. Two things a file can say that a dict cannot hold come as markers:


class Reading(str):
    """Text that also reads as a value, such as the unquoted YAML ``5.10`` or ``yes``.

    A text field keeps the text as written ("5.10", "yes"); a number or a flag
    takes the value (5.1, True).
    """

    value: Any

    def __new__(cls, text: str, value: Any):
        reading = super().__new__(cls, text)
        reading.value = value
        return reading


class RepeatedKey(NamedTuple):
    """A key written again in the same mapping (``occurrence`` 2, 3, ...)."""

    key: str
    occurrence: int


class Source:
    """Where each value stood in the file; plain data built in memory has no lines.

    ``at="key"`` asks for the line of the key holding the value. A path the
    source does not know is reported where its nearest known parent stands.
    """

    def __init__(self, lines: dict[Path, tuple[int | None, int | None]] | None = None):
        self.lines = lines or {}

    def line(self, path: Path, at: str = "value") -> int | None:
        if not self.lines:
            return None
        while path not in self.lines and path:
            path, at = path[:-1], "value"
        key_line, value_line = self.lines.get(path, (None, None))
        return key_line if at == "key" else value_line


_MISSING = object()


def _typed(value: Any) -> Any:
    return value.value if isinstance(value, Reading) else value


def _is_sequence(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


# --------------------------------------------------------------------------- rules


@dataclass
class _PendingCondition:
    item_code: str
    index: int
    path: Path
    target: str
    values: tuple[str, ...]


class _Checker:
    """Checks plain data against the rules, collecting every problem with its line."""

    def __init__(self, source: Source | None) -> None:
        self.source = source or Source()
        self.errors: list[ImportProblem] = []
        self.section_codes: dict[str, Path] = {}
        self.item_codes: dict[str, Path] = {}
        self.items_in_order: list[ItemDoc | None] = []
        self.item_index: dict[str, int] = {}
        self.conditions: list[_PendingCondition] = []

    # -- helpers -----------------------------------------------------------------------

    def error(self, path: Path | None, message: str, at: str = "value") -> None:
        line = None if path is None else self.source.line(path, at)
        self.errors.append(ImportProblem(line, message))

    def first_line(self, path: Path) -> int | None:
        return self.source.line(path)

    def mapping(
        self,
        value: Any,
        path: Path,
        where: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(
                path, _("%(where)s must be a mapping of keys and values.") % {"where": where}
            )
            return None
        result: dict[str, Any] = {}
        for key, entry in value.items():
            if isinstance(key, RepeatedKey):
                self.error(
                    path + (key,),
                    _('%(where)s: the key "%(key)s" appears more than once.')
                    % {"where": where, "key": key.key},
                    at="key",
                )
            elif not isinstance(key, str):
                self.error(
                    path + (key,), _("%(where)s: keys must be plain words.") % {"where": where}
                )
            elif key not in allowed:
                self.error(
                    path + (key,),
                    _('%(where)s: unknown key "%(key)s"; allowed keys are: %(allowed)s.')
                    % {"where": where, "key": key, "allowed": ", ".join(allowed)},
                    at="key",
                )
            else:
                result[key] = entry
        for key in required:
            if key not in result:
                self.error(
                    path,
                    _('%(where)s: the required key "%(key)s" is missing.')
                    % {"where": where, "key": key},
                )
        return result

    def string(self, value: Any, path: Path, where: str, label: str) -> str | None:
        """A non-empty text taken as written (so "5.10" or "yes" stay text)."""
        if value is _MISSING:
            return None
        if not _is_scalar(value):
            self.error(
                path,
                _("%(where)s: %(field)s must be a text value.") % {"where": where, "field": label},
            )
            return None
        text = "" if value is None else str(value).strip()
        if not text:
            self.error(
                path,
                _("%(where)s: %(field)s must not be empty.") % {"where": where, "field": label},
            )
            return None
        return text

    def boolean(self, value: Any, path: Path, where: str, label: str, default: bool) -> bool:
        if value is _MISSING:
            return default
        if not isinstance(_typed(value), bool):
            self.error(
                path,
                _("%(where)s: %(field)s must be true or false.") % {"where": where, "field": label},
            )
            return default
        return _typed(value)

    def number(
        self,
        value: Any,
        path: Path,
        where: str,
        label: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> float | None:
        if value is _MISSING:
            return None
        value = _typed(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(
                path, _("%(where)s: %(field)s must be a number.") % {"where": where, "field": label}
            )
            return None
        if positive and value <= 0:
            self.error(
                path,
                _("%(where)s: %(field)s must be greater than 0.")
                % {"where": where, "field": label},
            )
            return None
        if minimum is not None and value < minimum:
            self.error(
                path,
                _("%(where)s: %(field)s must not be negative.") % {"where": where, "field": label},
            )
            return None
        if maximum is not None and value > maximum:
            self.error(
                path,
                _("%(where)s: %(field)s must be between %(minimum)s and %(maximum)s.")
                % {"where": where, "field": label, "minimum": minimum, "maximum": maximum},
            )
            return None
        return value

    def text(self, value: Any, path: Path, where: str, label: str) -> Text | None:
        """A translatable text: a mapping with non-empty "ja" and "en".

        A missing language is reported on the line of the key holding the text;
        an empty one on its own line.
        """
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.error(
                path,
                _('%(where)s: %(field)s must give the text in Japanese ("ja") and English ("en").')
                % {"where": where, "field": label},
            )
            return None
        mapping = self.mapping(value, path, f"{where} {label}", LANGUAGES, ())
        result: Text = {}
        for lang in LANGUAGES:
            entry = mapping.get(lang, _MISSING)
            if isinstance(entry, str) and entry.strip():
                result[lang] = entry.strip()
                continue
            language = _("Japanese") if lang == "ja" else _("English")
            params = {"where": where, "language": language, "code": lang, "field": label}
            if entry is _MISSING:
                self.error(
                    path,
                    _('%(where)s: the %(language)s text ("%(code)s") of %(field)s is missing.')
                    % params,
                    at="key",
                )
            elif not _is_scalar(entry):
                self.error(
                    path + (lang,),
                    _('%(where)s: the %(language)s text ("%(code)s") of %(field)s must be text.')
                    % params,
                )
            elif entry is None or not str(entry).strip():
                self.error(
                    path + (lang,),
                    _('%(where)s: the %(language)s text ("%(code)s") of %(field)s is empty.')
                    % params,
                )
            else:
                result[lang] = str(entry).strip()  # a number or a flag, taken as written
        return result if len(result) == len(LANGUAGES) else None

    def string_list(
        self, value: Any, path: Path, where: str, label: str, *, non_empty: bool = False
    ) -> tuple[str, ...] | None:
        if value is _MISSING:
            return ()
        if not _is_sequence(value):
            self.error(
                path, _("%(where)s: %(field)s must be a list.") % {"where": where, "field": label}
            )
            return None
        if non_empty and not value:
            self.error(
                path,
                _("%(where)s: %(field)s must list at least one entry.")
                % {"where": where, "field": label},
            )
            return None
        values: list[str] = []
        ok = True
        for position, child in enumerate(value):
            text = self.string(child, path + (position,), where, label)
            if text is None:
                ok = False
            elif text in values:
                self.error(
                    path + (position,),
                    _('%(where)s: "%(value)s" is listed twice in %(field)s.')
                    % {"where": where, "value": text, "field": label},
                )
                ok = False
            else:
                values.append(text)
        return tuple(values) if ok else None

    # -- structure -----------------------------------------------------------------------

    def document(self, data: Any) -> ChecklistDoc | None:
        top = self.mapping(data, (), _("The file"), TOP_KEYS, TOP_KEYS)
        if top is None:
            return None
        header = self.header(top.get("checklist", _MISSING))
        sections = self.sections(top.get("sections", _MISSING))
        self.check_conditions()
        if self.errors or header is None or sections is None:
            return None
        name, description, version_label = header
        return ChecklistDoc(name, description, version_label, sections)

    def header(self, value: Any) -> tuple[Text, Text | None, str] | None:
        if value is _MISSING:
            return None
        path, where = ("checklist",), _('"checklist"')
        mapping = self.mapping(value, path, where, CHECKLIST_KEYS, ("name", "version_label"))
        if mapping is None:
            return None
        name = self.text(mapping.get("name", _MISSING), path + ("name",), where, "name")
        description = self.text(
            mapping.get("description", _MISSING), path + ("description",), where, "description"
        )
        version_label = self.string(
            mapping.get("version_label", _MISSING),
            path + ("version_label",),
            where,
            "version_label",
        )
        if name is None or version_label is None:
            return None
        return name, description, version_label

    def sections(self, value: Any) -> tuple[SectionDoc, ...] | None:
        if value is _MISSING:
            return None
        if not _is_sequence(value) or not value:
            self.error(("sections",), _('"sections" must be a non-empty list of sections.'))
            return None
        result = []
        for position, child in enumerate(value):
            section = self.section(child, ("sections", position), position + 1)
            if section is not None:
                result.append(section)
        return tuple(result)

    def section(self, value: Any, path: Path, position: int) -> SectionDoc | None:
        where = _("Section %(position)s") % {"position": position}
        mapping = self.mapping(
            value, path, where, SECTION_KEYS, ("code", "risk_area", "weight", "title", "items")
        )
        if mapping is None:
            return None

        def field(key):
            return mapping.get(key, _MISSING), path + (key,)

        code = self.string(*field("code"), where, "code")
        if code is not None:
            if not SECTION_CODE_RE.match(code):
                self.error(
                    path + ("code",),
                    _(
                        '%(where)s: the code "%(code)s" is not valid; use 2 to 10 capital '
                        "letters or digits starting with a letter (e.g. POL)."
                    )
                    % {"where": where, "code": code},
                )
                code = None
            elif code in self.section_codes:
                first = self.first_line(self.section_codes[code])
                self.error(
                    path + ("code",),
                    _('Duplicate section code "%(code)s" (first used on line %(first)s).')
                    % {"code": code, "first": first}
                    if first is not None
                    else _('Duplicate section code "%(code)s".') % {"code": code},
                )
                code = None
            else:
                self.section_codes[code] = path + ("code",)
                where = _("Section %(code)s") % {"code": code}
        risk_area = self.string(*field("risk_area"), where, "risk_area")
        if risk_area is not None and risk_area not in RISK_AREAS:
            self.error(
                path + ("risk_area",),
                _('%(where)s: unknown risk area "%(value)s"; expected one of: %(choices)s.')
                % {"where": where, "value": risk_area, "choices": ", ".join(RISK_AREAS)},
            )
            risk_area = None
        weight = self.number(*field("weight"), where, "weight", positive=True)
        title = self.text(*field("title"), where, "title")
        description = self.text(*field("description"), where, "description")
        items = self.items(*field("items"), where)
        if None in (code, risk_area, weight, title, items):
            return None
        if "description" in mapping and description is None:
            return None
        return SectionDoc(code, risk_area, weight, title, description, items)

    def items(self, value: Any, path: Path, where: str) -> tuple[ItemDoc, ...] | None:
        if value is _MISSING:
            return None
        if not _is_sequence(value) or not value:
            self.error(
                path, _('%(where)s: "items" must be a non-empty list of items.') % {"where": where}
            )
            return None
        result = []
        ok = True
        for position, child in enumerate(value):
            item = self.item(child, path + (position,), where, position + 1)
            if item is None:
                ok = False
            else:
                result.append(item)
        return tuple(result) if ok else None

    def item(self, value: Any, path: Path, section_where: str, position: int) -> ItemDoc | None:
        index = len(self.items_in_order)
        self.items_in_order.append(None)
        where = _("%(section)s, item %(position)s") % {
            "section": section_where,
            "position": position,
        }
        mapping = self.mapping(
            value, path, where, ITEM_KEYS, ("code", "type", "weight", "question")
        )
        if mapping is None:
            return None

        def field(key):
            return mapping.get(key, _MISSING), path + (key,)

        ok = True

        code = self.string(*field("code"), where, "code")
        if code is not None:
            if not ITEM_CODE_RE.match(code):
                self.error(
                    path + ("code",),
                    _(
                        '%(where)s: the code "%(code)s" is not valid; use the section-style '
                        "prefix, a hyphen and two digits (e.g. POL-01)."
                    )
                    % {"where": where, "code": code},
                )
                code = None
            elif code in self.item_codes:
                first = self.first_line(self.item_codes[code])
                self.error(
                    path + ("code",),
                    _('Duplicate item code "%(code)s" (first used on line %(first)s).')
                    % {"code": code, "first": first}
                    if first is not None
                    else _('Duplicate item code "%(code)s".') % {"code": code},
                )
                code = None
            else:
                self.item_codes[code] = path + ("code",)
                self.item_index[code] = index
                where = _("Item %(code)s") % {"code": code}
        ok &= code is not None

        answer_type = self.string(*field("type"), where, "type")
        if answer_type is not None and answer_type not in ANSWER_TYPES:
            self.error(
                path + ("type",),
                _('%(where)s: unknown answer type "%(value)s"; expected one of: %(choices)s.')
                % {"where": where, "value": answer_type, "choices": ", ".join(ANSWER_TYPES)},
            )
            answer_type = None
        ok &= answer_type is not None

        weight = self.number(*field("weight"), where, "weight", minimum=0)
        ok &= weight is not None
        if answer_type == "text" and weight not in (None, 0):
            self.error(
                path + ("weight",),
                _("%(where)s: text items are not scored, so their weight must be 0.")
                % {"where": where},
            )
            ok = False

        critical = self.boolean(*field("critical"), where, "critical", False)
        allow_na = self.boolean(*field("allow_na"), where, "allow_na", False)
        if allow_na and answer_type not in (None, "yes_no"):
            self.error(
                path + ("allow_na",),
                _("%(where)s: allow_na is only possible on yes_no items.") % {"where": where},
            )
            ok = False
        required = self.boolean(*field("required"), where, "required", True)
        evidence = self.boolean(*field("evidence_expected"), where, "evidence_expected", False)

        texts = {}
        for key in ("question", "guidance", "recommendation"):
            texts[key] = self.text(*field(key), where, key)
            if key in mapping and texts[key] is None:
                ok = False
        if "recommendation" not in mapping and weight and answer_type not in (None, "text", "date"):
            self.error(
                path,
                _(
                    "%(where)s: scored items need a recommendation (it becomes the finding "
                    "when the answer is not full marks)."
                )
                % {"where": where},
            )
            ok = False

        iso = self.string_list(*field("iso27001"), where, "iso27001", non_empty=True)
        if "iso27001" not in mapping:
            self.error(
                path,
                _('%(where)s: the required key "%(key)s" is missing.')
                % {"where": where, "key": "iso27001"},
            )
            ok = False
        elif iso is None:
            ok = False
        else:
            for position, ref in enumerate(iso):
                if not _valid_iso_ref(ref):
                    self.error(
                        path + ("iso27001", position),
                        _(
                            '%(where)s: "%(value)s" is not an ISO/IEC 27001:2022 Annex A '
                            "control (5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34)."
                        )
                        % {"where": where, "value": ref},
                    )
                    ok = False
        jis = self.string_list(*field("jisq15001"), where, "jisq15001")
        appi = self.string_list(*field("appi"), where, "appi")
        ok &= jis is not None and appi is not None

        choices: tuple[ChoiceDoc, ...] = ()
        if answer_type in CHOICE_TYPES:
            if "choices" not in mapping:
                self.error(
                    path,
                    _("%(where)s: %(type)s items need a list of choices.")
                    % {"where": where, "type": answer_type},
                )
                ok = False
            else:
                parsed = self.choices(*field("choices"), where)
                ok &= parsed is not None
                choices = parsed or ()
        elif "choices" in mapping and answer_type is not None:
            self.error(
                path + ("choices",),
                _(
                    "%(where)s: choices are only allowed on single_choice and multi_choice "
                    "items, not on %(type)s."
                )
                % {"where": where, "type": answer_type},
                at="key",
            )
            ok = False

        thresholds = None
        if answer_type == "number":
            if "thresholds" not in mapping:
                self.error(
                    path,
                    _("%(where)s: number items need thresholds (full, partial, lower_is_better).")
                    % {"where": where},
                )
                ok = False
            else:
                thresholds = self.thresholds(*field("thresholds"), where)
                ok &= thresholds is not None
        elif "thresholds" in mapping and answer_type is not None:
            self.error(
                path + ("thresholds",),
                _("%(where)s: thresholds are only allowed on number items, not on %(type)s.")
                % {"where": where, "type": answer_type},
                at="key",
            )
            ok = False

        condition = None
        if "condition" in mapping:
            condition = self.condition(*field("condition"), where, code, index)
            ok &= condition is not None

        if not ok:
            return None
        item = ItemDoc(
            code=code,
            type=answer_type,
            weight=weight,
            critical=critical,
            allow_na=allow_na if answer_type == "yes_no" else False,
            required=required,
            evidence_expected=evidence,
            question=texts["question"],
            guidance=texts["guidance"],
            recommendation=texts["recommendation"],
            iso27001=iso,
            jisq15001=jis,
            appi=appi,
            choices=choices,
            thresholds=thresholds,
            condition=condition,
        )
        self.items_in_order[index] = item
        return item

    def choices(self, value: Any, path: Path, where: str) -> tuple[ChoiceDoc, ...] | None:
        if not _is_sequence(value) or len(value) < 2:
            self.error(
                path, _("%(where)s: choices must be a list of at least two.") % {"where": where}
            )
            return None
        result: list[ChoiceDoc] = []
        seen: dict[str, Path] = {}
        ok = True
        for position, child in enumerate(value):
            choice_path = path + (position,)
            choice_where = _("%(where)s, choice %(position)s") % {
                "where": where,
                "position": position + 1,
            }
            mapping = self.mapping(child, choice_path, choice_where, CHOICE_KEYS, CHOICE_KEYS)
            if mapping is None:
                ok = False
                continue
            value_path = choice_path + ("value",)
            choice_value = self.string(
                mapping.get("value", _MISSING), value_path, choice_where, "value"
            )
            if choice_value is not None:
                if not CHOICE_VALUE_RE.match(choice_value):
                    self.error(
                        value_path,
                        _(
                            '%(where)s: the choice value "%(value)s" is not valid; use lower-case '
                            "letters, digits and underscores."
                        )
                        % {"where": choice_where, "value": choice_value},
                    )
                    choice_value = None
                elif choice_value == NA_VALUE:
                    self.error(
                        value_path,
                        _('%(where)s: "%(value)s" is reserved for "not applicable".')
                        % {"where": choice_where, "value": choice_value},
                    )
                    choice_value = None
                elif choice_value in seen:
                    first = self.first_line(seen[choice_value])
                    params = {"where": where, "value": choice_value, "first": first}
                    self.error(
                        value_path,
                        _(
                            '%(where)s: duplicate choice value "%(value)s" (first on line %(first)s).'
                        )
                        % params
                        if first is not None
                        else _('%(where)s: duplicate choice value "%(value)s".') % params,
                    )
                    choice_value = None
                else:
                    seen[choice_value] = value_path
            label = self.text(
                mapping.get("label", _MISSING), choice_path + ("label",), choice_where, "label"
            )
            score = self.number(
                mapping.get("score", _MISSING),
                choice_path + ("score",),
                choice_where,
                "score",
                minimum=0,
                maximum=1,
            )
            if choice_value is None or label is None or score is None:
                ok = False
                continue
            result.append(ChoiceDoc(choice_value, label, score))
        return tuple(result) if ok else None

    def thresholds(self, value: Any, path: Path, where: str) -> ThresholdsDoc | None:
        label = _("%(where)s thresholds") % {"where": where}
        mapping = self.mapping(value, path, label, THRESHOLD_KEYS, THRESHOLD_KEYS)
        if mapping is None:
            return None

        def field(key):
            return mapping.get(key, _MISSING), path + (key,)

        full = self.number(*field("full"), label, "full")
        partial = self.number(*field("partial"), label, "partial")
        lower = mapping.get("lower_is_better", _MISSING)
        lower_is_better = self.boolean(*field("lower_is_better"), label, "lower_is_better", True)
        lower_ok = lower is _MISSING or isinstance(_typed(lower), bool)
        unit = self.text(*field("unit"), label, "unit")
        if None in (full, partial, unit) or not lower_ok:
            return None
        if (lower_is_better and partial < full) or (not lower_is_better and partial > full):
            self.error(
                path + ("partial",),
                _(
                    "%(where)s: the partial threshold (%(partial)s) must be %(direction)s the "
                    "full threshold (%(full)s)."
                )
                % {
                    "where": label,
                    "partial": partial,
                    "full": full,
                    "direction": _("at least") if lower_is_better else _("at most"),
                },
            )
            return None
        return ThresholdsDoc(full, partial, lower_is_better, unit)

    def condition(
        self, value: Any, path: Path, where: str, code: str | None, index: int
    ) -> ConditionDoc | None:
        label = _("%(where)s condition") % {"where": where}
        mapping = self.mapping(value, path, label, CONDITION_KEYS, CONDITION_KEYS)
        if mapping is None:
            return None
        target = self.string(mapping.get("item", _MISSING), path + ("item",), label, "item")
        values = self.string_list(
            mapping.get("values", _MISSING), path + ("values",), label, "values", non_empty=True
        )
        if target is None or values is None or "values" not in mapping:
            return None
        self.conditions.append(_PendingCondition(code or "?", index, path, target, values))
        return ConditionDoc(target, values)

    def check_conditions(self) -> None:
        """Conditions can only be checked once every item code is known."""
        for pending in self.conditions:
            where = _("Item %(code)s condition") % {"code": pending.item_code}
            target_path = pending.path + ("item",)
            target_index = self.item_index.get(pending.target)
            if target_index is None:
                self.error(
                    target_path,
                    _('%(where)s refers to the item "%(target)s", which does not exist.')
                    % {"where": where, "target": pending.target},
                )
                continue
            if target_index >= pending.index:
                self.error(
                    target_path,
                    _(
                        '%(where)s refers to the item "%(target)s", which does not come before '
                        "it; a condition can only depend on an earlier item."
                    )
                    % {"where": where, "target": pending.target},
                )
                continue
            target = self.items_in_order[target_index]
            if target is None:
                continue  # the target itself had errors, already reported
            if target.type == "yes_no":
                allowed = YES_NO_VALUES + ((NA_VALUE,) if target.allow_na else ())
            elif target.type == "ipa_scale":
                allowed = IPA_SCALE_VALUES
            elif target.type in CHOICE_TYPES:
                allowed = tuple(choice.value for choice in target.choices)
            else:
                self.error(
                    target_path,
                    _(
                        '%(where)s refers to "%(target)s", a %(type)s item; conditions can only '
                        "depend on yes_no, single_choice or multi_choice items."
                    )
                    % {"where": where, "target": pending.target, "type": target.type},
                )
                continue
            for position, value in enumerate(pending.values):
                if value not in allowed:
                    self.error(
                        pending.path + ("values", position),
                        _(
                            '%(where)s: "%(value)s" is not a possible answer of %(target)s; '
                            "expected one of: %(choices)s."
                        )
                        % {
                            "where": where,
                            "value": value,
                            "target": pending.target,
                            "choices": ", ".join(allowed),
                        },
                    )


def _valid_iso_ref(ref: str) -> bool:
    match = ISO_REF_RE.match(ref)
    if not match:
        return False
    theme, number = int(match.group(1)), match.group(2)
    if number.startswith("0"):
        return False
    return 1 <= int(number) <= ISO27001_CONTROL_COUNTS[theme]


# An import lists at most this many problems, then how many more there are.
MAX_LISTED_PROBLEMS = 50


def capped(problems: list[ImportProblem]) -> list[ImportProblem]:
    """The first MAX_LISTED_PROBLEMS problems and a count of the rest."""
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return problems
    more = len(problems) - MAX_LISTED_PROBLEMS
    return [
        *problems[:MAX_LISTED_PROBLEMS],
        ImportProblem(
            None,
            _("… and %(count)s more problems; correct these and import again to see them.")
            % {"count": more},
        ),
    ]


def doc_from_dict(data: Any, source: Source | None = None) -> ChecklistDoc:
    """Check plain data (as :func:`doc_to_dict` returns or a file reads) and build the
    document; raise ChecklistImportError with every problem, on ``source``'s lines."""
    checker = _Checker(source)
    doc = checker.document(data)
    if checker.errors or doc is None:
        raise ChecklistImportError(checker.errors)
    return doc


def validate(doc: ChecklistDoc) -> ChecklistDoc:
    """``doc`` checked by the import rules (a document built in memory, e.g. by the
    editor, may break them); ChecklistImportError if it does."""
    return doc_from_dict(doc_to_dict(doc))


# --------------------------------------------------------------------------- plain form


def _text(value: Text | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {lang: value[lang] for lang in LANGUAGES}


def _number(value: float) -> float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def doc_to_dict(doc: ChecklistDoc) -> dict[str, Any]:
    """Canonical plain-data form: schema key order, non-applicable keys left out."""
    header: dict[str, Any] = {"name": _text(doc.name)}
    if doc.description is not None:
        header["description"] = _text(doc.description)
    header["version_label"] = doc.version_label
    sections = []
    for section in doc.sections:
        data: dict[str, Any] = {
            "code": section.code,
            "risk_area": section.risk_area,
            "weight": _number(section.weight),
            "title": _text(section.title),
        }
        if section.description is not None:
            data["description"] = _text(section.description)
        data["items"] = [_item_to_dict(item) for item in section.items]
        sections.append(data)
    return {"checklist": header, "sections": sections}


def _item_to_dict(item: ItemDoc) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": item.code,
        "type": item.type,
        "weight": _number(item.weight),
        "critical": bool(item.critical),
    }
    if item.type == "yes_no":
        data["allow_na"] = bool(item.allow_na)
    data["required"] = bool(item.required)
    data["evidence_expected"] = bool(item.evidence_expected)
    data["question"] = _text(item.question)
    for key in ("guidance", "recommendation"):
        if getattr(item, key) is not None:
            data[key] = _text(getattr(item, key))
    data["iso27001"] = list(item.iso27001)
    data["jisq15001"] = list(item.jisq15001)
    data["appi"] = list(item.appi)
    if item.type in CHOICE_TYPES:
        data["choices"] = [
            {"value": c.value, "label": _text(c.label), "score": _number(c.score)}
            for c in item.choices
        ]
    if item.type == "number" and item.thresholds is not None:
        t = item.thresholds
        data["thresholds"] = {
            "full": _number(t.full),
            "partial": _number(t.partial),
            "lower_is_better": bool(t.lower_is_better),
            "unit": _text(t.unit),
        }
    if item.condition is not None:
        data["condition"] = {"item": item.condition.item, "values": list(item.condition.values)}
    return data
