"""The checklist's YAML edge: read a file into a checked document, write one out.

Reading composes the YAML nodes once into plain data and a map of where each
value stood, then hands both to :func:`checklist_schema.doc_from_dict`, so every
problem names the 1-based line of the offending key or value. Nothing else in
the application reads or writes checklist YAML.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .checklist_schema import (
    ChecklistDoc,
    ChecklistImportError,
    ImportProblem,
    Reading,
    RepeatedKey,
    Source,
    capped,
    doc_from_dict,
    doc_to_dict,
)

__all__ = ["DEFAULT_CHECKLIST_PATH", "dump_checklist", "load_default_checklist", "parse_checklist"]

DEFAULT_CHECKLIST_PATH = Path(__file__).resolve().parent / "checklists" / "default.yaml"

_NULL_TAG = "tag:yaml.org,2002:null"


class _KeyNotText:
    """A mapping key that is itself a list or a mapping."""


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Turns composed YAML nodes into plain data, noting each value's lines by path.

    A node reached again through an alias is read once and not walked again, so
    neither a recursive alias nor an alias bomb makes the walk run away.
    """

    def __init__(self) -> None:
        self.constructor = yaml.constructor.SafeConstructor()
        self.lines: dict[tuple, tuple[int, int]] = {}
        self.read: dict[int, Any] = {}

    def value(self, node: yaml.Node, path: tuple, key_line: int) -> Any:
        self.lines[path] = (key_line, _line(node))
        if id(node) in self.read:
            return self.read[id(node)]
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            self.read[id(node)] = result
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    key = _KeyNotText()
                    self.lines[path + (key,)] = (_line(key_node), _line(key_node))
                    result[key] = None
                    continue
                key = key_node.value
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    key = RepeatedKey(key, seen[key])
                result[key] = self.value(value_node, path + (key,), _line(key_node))
            return result
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            self.read[id(node)] = items
            for position, child in enumerate(node.value):
                items.append(self.value(child, path + (position,), _line(child)))
            return items
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _NULL_TAG:
            return None
        try:
            value = self.constructor.construct_object(node)
        except yaml.YAMLError:
            value = _UNREADABLE
        return value if isinstance(value, str) else Reading(node.value, value)


_UNREADABLE = object()


class _AliasRefused(yaml.composer.ComposerError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors and aliases (&name, *name): a short document that repeats a
    section by alias would make the checks walk every copy, which grows with the square
    of its size. A checklist writes each section and item out in full."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(problem_mark=event.start_mark)
        return super().compose_node(parent, index)


def _syntax_error(exc: yaml.YAMLError) -> ChecklistImportError:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return ChecklistImportError(
            [ImportProblem(None, _("Invalid YAML syntax: %(problem)s") % {"problem": exc})]
        )
    mark = exc.problem_mark or exc.context_mark
    problem = "; ".join(part for part in (exc.context, exc.problem) if part)
    if exc.context_mark and mark and exc.context_mark.line != mark.line:
        problem = _("%(problem)s (the construct starts on line %(line)s)") % {
            "problem": problem,
            "line": exc.context_mark.line + 1,
        }
    return ChecklistImportError(
        [
            ImportProblem(
                mark.line + 1 if mark else None,
                _("Invalid YAML syntax: %(problem)s") % {"problem": problem},
            )
        ]
    )


def parse_checklist(text: str) -> ChecklistDoc:
    """Parse and check checklist YAML; raise ChecklistImportError with every problem."""
    if not isinstance(text, str):
        raise ChecklistImportError([ImportProblem(None, _("The checklist must be text."))])
    try:
        root = yaml.compose(text, Loader=_NoAliasLoader)
    except _AliasRefused as exc:
        message = _(
            "Anchors and aliases (&name, *name) are not accepted in a checklist: "
            "write each section and item out in full."
        )
        raise ChecklistImportError([ImportProblem(exc.problem_mark.line + 1, message)]) from exc
    except yaml.YAMLError as exc:
        raise _syntax_error(exc) from exc
    if root is None:
        raise ChecklistImportError([ImportProblem(None, _("The checklist file is empty."))])
    reader = _Reader()
    data = reader.value(root, (), _line(root))
    try:
        return doc_from_dict(data, Source(reader.lines))
    except ChecklistImportError as exc:
        raise ChecklistImportError(capped(exc.errors)) from None


@functools.cache
def load_default_checklist() -> ChecklistDoc:
    """The checklist shipped with the application (checklists/default.yaml), parsed
    once per process: the document is immutable."""
    return parse_checklist(DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    # References and condition values read best on one line: [5.1, 5.2].
    flow = all(isinstance(entry, str) for entry in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


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
