"""Checklist YAML format: parse, validate and dump checklist templates.

A pure module (no ORM): it turns the YAML text of a checklist (the shipped
``checklists/default.yaml`` or a file an admin imports) into frozen dataclasses,
and back into canonical YAML.

Parsing composes YAML *nodes* first, so every problem can name the 1-based line
of the offending key or value. All problems are collected and raised together
as one :class:`ChecklistImportError`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

__all__ = [
    "ANSWER_TYPES",
    "CHOICE_TYPES",
    "DEFAULT_CHECKLIST_PATH",
    "ISO27001_CONTROL_COUNTS",
    "LANGUAGES",
    "RISK_AREAS",
    "YES_NO_VALUES",
    "ChecklistDoc",
    "ChecklistImportError",
    "ChoiceDoc",
    "ConditionDoc",
    "ImportProblem",
    "ItemDoc",
    "SectionDoc",
    "ThresholdsDoc",
    "doc_from_dict",
    "doc_to_dict",
    "dump_checklist",
    "load_default_checklist",
    "parse_checklist",
]

LANGUAGES = ("ja", "en")
ANSWER_TYPES = ("yes_no", "single_choice", "multi_choice", "number", "date", "text")
CHOICE_TYPES = ("single_choice", "multi_choice")
RISK_AREAS = (
    "operator_error",
    "asset_management",
    "physical",
    "access_control",
    "incident_response",
    "policy_certification",
    "training",
    "contract",
    "custom_handling",
    "subcontracting",
)
# Answer values of a yes_no item ("na" only where the item allows N/A).
YES_NO_VALUES = ("yes", "partial", "no")
NA_VALUE = "na"
# Number of controls per ISO/IEC 27001:2022 Annex A theme (5 organizational,
# 6 people, 7 physical, 8 technological).
ISO27001_CONTROL_COUNTS = {5: 37, 6: 8, 7: 14, 8: 34}

DEFAULT_CHECKLIST_PATH = Path(__file__).resolve().parent / "checklists" / "default.yaml"

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
    """Raised by :func:`parse_checklist` with every problem found."""

    def __init__(self, errors: list[ImportProblem]):
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.errors)


# --------------------------------------------------------------------------- parsing

_NULL_TAG = "tag:yaml.org,2002:null"
_MISSING = object()


def _line(node: yaml.Node | None) -> int | None:
    if node is None:
        return None
    return node.start_mark.line + 1


@dataclass
class _Mapping:
    """A YAML mapping node with its keys checked: key -> (key node, value node)."""

    node: yaml.MappingNode
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = field(default_factory=dict)

    def get(self, key: str) -> yaml.Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None

    def key_line(self, key: str) -> int | None:
        entry = self.entries.get(key)
        return _line(entry[0]) if entry else _line(self.node)


@dataclass
class _PendingCondition:
    item_code: str
    index: int
    target_node: yaml.Node
    target: str
    values_node: yaml.Node
    values: tuple[str, ...]


class _Parser:
    def __init__(self) -> None:
        self.errors: list[ImportProblem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.section_codes: dict[str, int | None] = {}
        self.item_codes: dict[str, int | None] = {}
        self.items_in_order: list[ItemDoc | None] = []
        self.item_index: dict[str, int] = {}
        self.conditions: list[_PendingCondition] = []

    # -- helpers -----------------------------------------------------------------------

    def error(self, node_or_line: yaml.Node | int | None, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int | None) else _line(node_or_line)
        self.errors.append(ImportProblem(line, message))

    def mapping(
        self,
        node: yaml.Node,
        where: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> _Mapping | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(
                node, _("%(where)s must be a mapping of keys and values.") % {"where": where}
            )
            return None
        result = _Mapping(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, _("%(where)s: keys must be plain words.") % {"where": where})
                continue
            key = key_node.value
            if key in result.entries:
                self.error(
                    key_node,
                    _('%(where)s: the key "%(key)s" appears more than once.')
                    % {"where": where, "key": key},
                )
                continue
            if key not in allowed:
                self.error(
                    key_node,
                    _('%(where)s: unknown key "%(key)s"; allowed keys are: %(allowed)s.')
                    % {"where": where, "key": key, "allowed": ", ".join(allowed)},
                )
                continue
            result.entries[key] = (key_node, value_node)
        for key in required:
            if key not in result.entries:
                self.error(
                    node,
                    _('%(where)s: the required key "%(key)s" is missing.')
                    % {"where": where, "key": key},
                )
        return result

    def string(self, node: yaml.Node | None, where: str, label: str) -> str | None:
        """A non-empty scalar taken verbatim (so "5.10" or "yes" stay strings)."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(
                node,
                _("%(where)s: %(field)s must be a text value.") % {"where": where, "field": label},
            )
            return None
        value = "" if node.tag == _NULL_TAG else str(node.value).strip()
        if not value:
            self.error(
                node,
                _("%(where)s: %(field)s must not be empty.") % {"where": where, "field": label},
            )
            return None
        return value

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return _MISSING
        try:
            return self.constructor.construct_object(node)
        except yaml.YAMLError:
            return _MISSING

    def boolean(self, node: yaml.Node | None, where: str, label: str, default: bool) -> bool:
        if node is None:
            return default
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.error(
                node,
                _("%(where)s: %(field)s must be true or false.") % {"where": where, "field": label},
            )
            return default
        return value

    def number(
        self,
        node: yaml.Node | None,
        where: str,
        label: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> float | None:
        if node is None:
            return None
        value = self.scalar(node)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(
                node, _("%(where)s: %(field)s must be a number.") % {"where": where, "field": label}
            )
            return None
        if positive and value <= 0:
            self.error(
                node,
                _("%(where)s: %(field)s must be greater than 0.")
                % {"where": where, "field": label},
            )
            return None
        if minimum is not None and value < minimum:
            self.error(
                node,
                _("%(where)s: %(field)s must not be negative.") % {"where": where, "field": label},
            )
            return None
        if maximum is not None and value > maximum:
            self.error(
                node,
                _("%(where)s: %(field)s must be between %(minimum)s and %(maximum)s.")
                % {"where": where, "field": label, "minimum": minimum, "maximum": maximum},
            )
            return None
        return value

    def text(
        self, node: yaml.Node | None, where: str, label: str, key_line: int | None = None
    ) -> Text | None:
        """A translatable text: a mapping with non-empty "ja" and "en".

        ``key_line`` (the line of the key holding the text) is where a missing
        language is reported; an empty one is reported on its own line.
        """
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(
                node,
                _('%(where)s: %(field)s must give the text in Japanese ("ja") and English ("en").')
                % {"where": where, "field": label},
            )
            return None
        mapping = self.mapping(node, f"{where} {label}", LANGUAGES, ())
        if mapping is None:
            return None
        names = {"ja": _("Japanese"), "en": _("English")}
        result: Text = {}
        for lang in LANGUAGES:
            value_node = mapping.get(lang)
            if value_node is None:
                self.error(
                    key_line if key_line is not None else node,
                    _('%(where)s: the %(language)s text ("%(code)s") of %(field)s is missing.')
                    % {"where": where, "language": names[lang], "code": lang, "field": label},
                )
                continue
            if not isinstance(value_node, yaml.ScalarNode):
                self.error(
                    value_node,
                    _('%(where)s: the %(language)s text ("%(code)s") of %(field)s must be text.')
                    % {"where": where, "language": names[lang], "code": lang, "field": label},
                )
                continue
            value = "" if value_node.tag == _NULL_TAG else str(value_node.value).strip()
            if not value:
                self.error(
                    value_node,
                    _('%(where)s: the %(language)s text ("%(code)s") of %(field)s is empty.')
                    % {"where": where, "language": names[lang], "code": lang, "field": label},
                )
                continue
            result[lang] = value
        return result if len(result) == len(LANGUAGES) else None

    def string_list(
        self, node: yaml.Node | None, where: str, label: str, *, non_empty: bool = False
    ) -> tuple[str, ...] | None:
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                node,
                _("%(where)s: %(field)s must be a list.") % {"where": where, "field": label},
            )
            return None
        if non_empty and not node.value:
            self.error(
                node,
                _("%(where)s: %(field)s must list at least one entry.")
                % {"where": where, "field": label},
            )
            return None
        values: list[str] = []
        ok = True
        for child in node.value:
            value = self.string(child, where, label)
            if value is None:
                ok = False
            elif value in values:
                self.error(
                    child,
                    _('%(where)s: "%(value)s" is listed twice in %(field)s.')
                    % {"where": where, "value": value, "field": label},
                )
                ok = False
            else:
                values.append(value)
        return tuple(values) if ok else None

    # -- structure -----------------------------------------------------------------------

    def document(self, root: yaml.Node | None) -> ChecklistDoc | None:
        if root is None:
            self.error(None, _("The checklist file is empty."))
            return None
        top = self.mapping(root, _("The file"), TOP_KEYS, TOP_KEYS)
        if top is None:
            return None
        header = self.header(top.get("checklist"))
        sections = self.sections(top.get("sections"))
        self.check_conditions()
        if self.errors or header is None or sections is None:
            return None
        name, description, version_label = header
        return ChecklistDoc(name, description, version_label, sections)

    def header(self, node: yaml.Node | None) -> tuple[Text, Text | None, str] | None:
        if node is None:
            return None
        where = _('"checklist"')
        mapping = self.mapping(node, where, CHECKLIST_KEYS, ("name", "version_label"))
        if mapping is None:
            return None
        name = self.text(mapping.get("name"), where, "name", mapping.key_line("name"))
        description = self.text(
            mapping.get("description"), where, "description", mapping.key_line("description")
        )
        version_label = self.string(mapping.get("version_label"), where, "version_label")
        if name is None or version_label is None:
            return None
        return name, description, version_label

    def sections(self, node: yaml.Node | None) -> tuple[SectionDoc, ...] | None:
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(node, _('"sections" must be a non-empty list of sections.'))
            return None
        result = []
        for position, child in enumerate(node.value, start=1):
            section = self.section(child, position)
            if section is not None:
                result.append(section)
        return tuple(result)

    def section(self, node: yaml.Node, position: int) -> SectionDoc | None:
        where = _("Section %(position)s") % {"position": position}
        mapping = self.mapping(
            node, where, SECTION_KEYS, ("code", "risk_area", "weight", "title", "items")
        )
        if mapping is None:
            return None
        code = self.string(mapping.get("code"), where, "code")
        if code is not None:
            if not SECTION_CODE_RE.match(code):
                self.error(
                    mapping.get("code"),
                    _(
                        '%(where)s: the code "%(code)s" is not valid; use 2 to 10 capital '
                        "letters or digits starting with a letter (e.g. POL)."
                    )
                    % {"where": where, "code": code},
                )
                code = None
            elif code in self.section_codes:
                self.error(
                    mapping.get("code"),
                    _('Duplicate section code "%(code)s" (first used on line %(first)s).')
                    % {"code": code, "first": self.section_codes[code]},
                )
                code = None
            else:
                self.section_codes[code] = _line(mapping.get("code"))
                where = _("Section %(code)s") % {"code": code}
        risk_area = self.string(mapping.get("risk_area"), where, "risk_area")
        if risk_area is not None and risk_area not in RISK_AREAS:
            self.error(
                mapping.get("risk_area"),
                _('%(where)s: unknown risk area "%(value)s"; expected one of: %(choices)s.')
                % {"where": where, "value": risk_area, "choices": ", ".join(RISK_AREAS)},
            )
            risk_area = None
        weight = self.number(mapping.get("weight"), where, "weight", positive=True)
        title = self.text(mapping.get("title"), where, "title", mapping.key_line("title"))
        description = self.text(
            mapping.get("description"), where, "description", mapping.key_line("description")
        )
        items = self.items(mapping.get("items"), where)
        if None in (code, risk_area, weight, title, items):
            return None
        if mapping.get("description") is not None and description is None:
            return None
        return SectionDoc(code, risk_area, weight, title, description, items)

    def items(self, node: yaml.Node | None, where: str) -> tuple[ItemDoc, ...] | None:
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(
                node, _('%(where)s: "items" must be a non-empty list of items.') % {"where": where}
            )
            return None
        result = []
        ok = True
        for position, child in enumerate(node.value, start=1):
            item = self.item(child, where, position)
            if item is None:
                ok = False
            else:
                result.append(item)
        return tuple(result) if ok else None

    def item(self, node: yaml.Node, section_where: str, position: int) -> ItemDoc | None:
        index = len(self.items_in_order)
        self.items_in_order.append(None)
        where = _("%(section)s, item %(position)s") % {
            "section": section_where,
            "position": position,
        }
        mapping = self.mapping(node, where, ITEM_KEYS, ("code", "type", "weight", "question"))
        if mapping is None:
            return None
        ok = True

        code = self.string(mapping.get("code"), where, "code")
        if code is not None:
            if not ITEM_CODE_RE.match(code):
                self.error(
                    mapping.get("code"),
                    _(
                        '%(where)s: the code "%(code)s" is not valid; use the section-style '
                        "prefix, a hyphen and two digits (e.g. POL-01)."
                    )
                    % {"where": where, "code": code},
                )
                code = None
            elif code in self.item_codes:
                self.error(
                    mapping.get("code"),
                    _('Duplicate item code "%(code)s" (first used on line %(first)s).')
                    % {"code": code, "first": self.item_codes[code]},
                )
                code = None
            else:
                self.item_codes[code] = _line(mapping.get("code"))
                self.item_index[code] = index
                where = _("Item %(code)s") % {"code": code}
        ok &= code is not None

        answer_type = self.string(mapping.get("type"), where, "type")
        if answer_type is not None and answer_type not in ANSWER_TYPES:
            self.error(
                mapping.get("type"),
                _('%(where)s: unknown answer type "%(value)s"; expected one of: %(choices)s.')
                % {"where": where, "value": answer_type, "choices": ", ".join(ANSWER_TYPES)},
            )
            answer_type = None
        ok &= answer_type is not None

        weight = self.number(mapping.get("weight"), where, "weight", minimum=0)
        ok &= weight is not None
        if answer_type == "text" and weight not in (None, 0):
            self.error(
                mapping.get("weight"),
                _("%(where)s: text items are not scored, so their weight must be 0.")
                % {"where": where},
            )
            ok = False

        critical = self.boolean(mapping.get("critical"), where, "critical", False)
        allow_na = self.boolean(mapping.get("allow_na"), where, "allow_na", False)
        if allow_na and answer_type not in (None, "yes_no"):
            self.error(
                mapping.get("allow_na"),
                _("%(where)s: allow_na is only possible on yes_no items.") % {"where": where},
            )
            ok = False
        required = self.boolean(mapping.get("required"), where, "required", True)
        evidence = self.boolean(mapping.get("evidence_expected"), where, "evidence_expected", False)

        texts = {}
        for key in ("question", "guidance", "recommendation"):
            value_node = mapping.get(key)
            texts[key] = self.text(value_node, where, key, mapping.key_line(key))
            if value_node is not None and texts[key] is None:
                ok = False
        if (
            mapping.get("recommendation") is None
            and weight
            and answer_type not in (None, "text", "date")
        ):
            self.error(
                node,
                _(
                    "%(where)s: scored items need a recommendation (it becomes the finding "
                    "when the answer is not full marks)."
                )
                % {"where": where},
            )
            ok = False

        iso = self.string_list(mapping.get("iso27001"), where, "iso27001", non_empty=True)
        if mapping.get("iso27001") is None:
            self.error(
                node,
                _('%(where)s: the required key "%(key)s" is missing.')
                % {"where": where, "key": "iso27001"},
            )
            ok = False
        elif iso is None:
            ok = False
        else:
            for child, ref in zip(mapping.get("iso27001").value, iso, strict=True):
                if not _valid_iso_ref(ref):
                    self.error(
                        child,
                        _(
                            '%(where)s: "%(value)s" is not an ISO/IEC 27001:2022 Annex A '
                            "control (5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34)."
                        )
                        % {"where": where, "value": ref},
                    )
                    ok = False
        jis = self.string_list(mapping.get("jisq15001"), where, "jisq15001")
        appi = self.string_list(mapping.get("appi"), where, "appi")
        ok &= jis is not None and appi is not None

        choices: tuple[ChoiceDoc, ...] = ()
        choices_node = mapping.get("choices")
        if answer_type in CHOICE_TYPES:
            if choices_node is None:
                self.error(
                    node,
                    _("%(where)s: %(type)s items need a list of choices.")
                    % {"where": where, "type": answer_type},
                )
                ok = False
            else:
                parsed = self.choices(choices_node, where)
                ok &= parsed is not None
                choices = parsed or ()
        elif choices_node is not None and answer_type is not None:
            self.error(
                mapping.key_line("choices"),
                _(
                    "%(where)s: choices are only allowed on single_choice and multi_choice "
                    "items, not on %(type)s."
                )
                % {"where": where, "type": answer_type},
            )
            ok = False

        thresholds = None
        thresholds_node = mapping.get("thresholds")
        if answer_type == "number":
            if thresholds_node is None:
                self.error(
                    node,
                    _("%(where)s: number items need thresholds (full, partial, lower_is_better).")
                    % {"where": where},
                )
                ok = False
            else:
                thresholds = self.thresholds(thresholds_node, where)
                ok &= thresholds is not None
        elif thresholds_node is not None and answer_type is not None:
            self.error(
                mapping.key_line("thresholds"),
                _("%(where)s: thresholds are only allowed on number items, not on %(type)s.")
                % {"where": where, "type": answer_type},
            )
            ok = False

        condition = None
        condition_node = mapping.get("condition")
        if condition_node is not None:
            condition = self.condition(condition_node, where, code, index)
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

    def choices(self, node: yaml.Node, where: str) -> tuple[ChoiceDoc, ...] | None:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) < 2:
            self.error(
                node, _("%(where)s: choices must be a list of at least two.") % {"where": where}
            )
            return None
        result: list[ChoiceDoc] = []
        seen: dict[str, int | None] = {}
        ok = True
        for position, child in enumerate(node.value, start=1):
            choice_where = _("%(where)s, choice %(position)s") % {
                "where": where,
                "position": position,
            }
            mapping = self.mapping(child, choice_where, CHOICE_KEYS, CHOICE_KEYS)
            if mapping is None:
                ok = False
                continue
            value = self.string(mapping.get("value"), choice_where, "value")
            if value is not None:
                if not CHOICE_VALUE_RE.match(value):
                    self.error(
                        mapping.get("value"),
                        _(
                            '%(where)s: the choice value "%(value)s" is not valid; use lower-case '
                            "letters, digits and underscores."
                        )
                        % {"where": choice_where, "value": value},
                    )
                    value = None
                elif value == NA_VALUE:
                    self.error(
                        mapping.get("value"),
                        _('%(where)s: "%(value)s" is reserved for "not applicable".')
                        % {"where": choice_where, "value": value},
                    )
                    value = None
                elif value in seen:
                    self.error(
                        mapping.get("value"),
                        _(
                            '%(where)s: duplicate choice value "%(value)s" (first on line %(first)s).'
                        )
                        % {"where": where, "value": value, "first": seen[value]},
                    )
                    value = None
                else:
                    seen[value] = _line(mapping.get("value"))
            label = self.text(
                mapping.get("label"), choice_where, "label", mapping.key_line("label")
            )
            score = self.number(mapping.get("score"), choice_where, "score", minimum=0, maximum=1)
            if value is None or label is None or score is None:
                ok = False
                continue
            result.append(ChoiceDoc(value, label, score))
        return tuple(result) if ok else None

    def thresholds(self, node: yaml.Node, where: str) -> ThresholdsDoc | None:
        label = _("%(where)s thresholds") % {"where": where}
        mapping = self.mapping(node, label, THRESHOLD_KEYS, THRESHOLD_KEYS)
        if mapping is None:
            return None
        full = self.number(mapping.get("full"), label, "full")
        partial = self.number(mapping.get("partial"), label, "partial")
        lower = mapping.get("lower_is_better")
        lower_is_better = self.boolean(lower, label, "lower_is_better", True)
        lower_ok = lower is None or isinstance(self.scalar(lower), bool)
        unit = self.text(mapping.get("unit"), label, "unit", mapping.key_line("unit"))
        if None in (full, partial, unit) or not lower_ok:
            return None
        if (lower_is_better and partial < full) or (not lower_is_better and partial > full):
            self.error(
                mapping.get("partial"),
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
        self, node: yaml.Node, where: str, code: str | None, index: int
    ) -> ConditionDoc | None:
        label = _("%(where)s condition") % {"where": where}
        mapping = self.mapping(node, label, CONDITION_KEYS, CONDITION_KEYS)
        if mapping is None:
            return None
        target = self.string(mapping.get("item"), label, "item")
        values = self.string_list(mapping.get("values"), label, "values", non_empty=True)
        if target is None or values is None or mapping.get("values") is None:
            return None
        self.conditions.append(
            _PendingCondition(
                code or "?", index, mapping.get("item"), target, mapping.get("values"), values
            )
        )
        return ConditionDoc(target, values)

    def check_conditions(self) -> None:
        """Conditions can only be checked once every item code is known."""
        for pending in self.conditions:
            where = _("Item %(code)s condition") % {"code": pending.item_code}
            target_index = self.item_index.get(pending.target)
            if target_index is None:
                self.error(
                    pending.target_node,
                    _('%(where)s refers to the item "%(target)s", which does not exist.')
                    % {"where": where, "target": pending.target},
                )
                continue
            if target_index >= pending.index:
                self.error(
                    pending.target_node,
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
            elif target.type in CHOICE_TYPES:
                allowed = tuple(choice.value for choice in target.choices)
            else:
                self.error(
                    pending.target_node,
                    _(
                        '%(where)s refers to "%(target)s", a %(type)s item; conditions can only '
                        "depend on yes_no, single_choice or multi_choice items."
                    )
                    % {"where": where, "target": pending.target, "type": target.type},
                )
                continue
            for child, value in zip(pending.values_node.value, pending.values, strict=True):
                if value not in allowed:
                    self.error(
                        child,
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


class _AliasRefused(yaml.composer.ComposerError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors and aliases (&name, *name): a short document that repeats a
    section by alias makes the importer walk every copy, which grows with the square of
    its size. A checklist writes each section and item out in full."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(problem_mark=event.start_mark)
        return super().compose_node(parent, index)


def _capped(problems: list[ImportProblem]) -> list[ImportProblem]:
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


def parse_checklist(text: str) -> ChecklistDoc:
    """Parse and validate checklist YAML; raise ChecklistImportError with every problem."""
    if not isinstance(text, str):
        raise ChecklistImportError([ImportProblem(None, _("The checklist must be text."))])
    try:
        root = yaml.compose(text, Loader=_NoAliasLoader)
    except _AliasRefused as exc:
        raise ChecklistImportError(
            [
                ImportProblem(
                    exc.problem_mark.line + 1,
                    _(
                        "Anchors and aliases (&name, *name) are not accepted in a checklist: "
                        "write each section and item out in full."
                    ),
                )
            ]
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = "; ".join(part for part in (exc.context, exc.problem) if part)
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            problem = _("%(problem)s (the construct starts on line %(line)s)") % {
                "problem": problem,
                "line": exc.context_mark.line + 1,
            }
        raise ChecklistImportError(
            [
                ImportProblem(
                    mark.line + 1 if mark else None,
                    _("Invalid YAML syntax: %(problem)s") % {"problem": problem},
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise ChecklistImportError(
            [ImportProblem(None, _("Invalid YAML syntax: %(problem)s") % {"problem": exc})]
        ) from exc
    parser = _Parser()
    doc = parser.document(root)
    if parser.errors or doc is None:
        raise ChecklistImportError(_capped(parser.errors))
    return doc


@functools.cache
def load_default_checklist() -> ChecklistDoc:
    """The checklist shipped with the application (checklists/default.yaml), parsed
    once per process: the document is immutable and parsing takes about a second."""
    return parse_checklist(DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- dumping


class _Flow(list):
    """A list written in flow style: [a, b]."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


_Dumper.add_representer(tuple, lambda dumper, data: dumper.represent_list(list(data)))
_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True)
)


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
    data["iso27001"] = _Flow(item.iso27001)
    data["jisq15001"] = _Flow(item.jisq15001)
    data["appi"] = _Flow(item.appi)
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
        data["condition"] = {
            "item": item.condition.item,
            "values": _Flow(item.condition.values),
        }
    return data


def dump_checklist(doc: ChecklistDoc) -> str:
    """Canonical YAML for a checklist; parse_checklist() reads it back unchanged."""
    return yaml.dump(
        doc_to_dict(doc),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )


def doc_from_dict(data: dict[str, Any]) -> ChecklistDoc:
    """Build (and validate) a checklist from plain data such as doc_to_dict() returns."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return parse_checklist(text)
