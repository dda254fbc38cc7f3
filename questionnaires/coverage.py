"""How far an answered standard assessment covers a shipped question set (the IPA quick
check, METI ★3, METI ★4). Pure: a mapping and item values in, a result out.

Each requirement of a set maps to items of the standard checklist
(``checklists/mappings.yaml``). A requirement is *met* when every mapped item that
applies has full marks, *partly met* when some value is above 0, *not met* otherwise,
and *not answered* while any applicable mapped item is unanswered. Mapped items that
are N/A or hidden by a condition do not count; if none applies, the requirement is
N/A. ★4 contains ★3, so its coverage is computed over both sets together.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

MAPPINGS_PATH = Path(__file__).resolve().parent / "checklists" / "mappings.yaml"
BUNDLED_SETS = ("ipa_quick_check", "meti_star3", "meti_star4")
# A set and the sets it includes.
INCLUDES = {"meti_star4": ("meti_star3",)}

MET, PARTLY, NOT_MET, UNANSWERED, NOT_APPLICABLE = "met", "partly", "not_met", "unanswered", "na"
MISSING = object()  # an item the assessment has no answer for


@dataclass(frozen=True)
class Coverage:
    states: dict[str, str]  # requirement code -> state

    def count(self, state: str) -> int:
        return sum(1 for s in self.states.values() if s == state)

    @property
    def applicable(self) -> int:
        return len(self.states) - self.count(NOT_APPLICABLE)

    @property
    def ratio(self) -> float | None:
        """Met requirements over applicable ones (partly met counts half)."""
        if not self.applicable:
            return None
        return (self.count(MET) + 0.5 * self.count(PARTLY)) / self.applicable


@functools.cache
def load_mappings(path: Path = MAPPINGS_PATH) -> dict[str, dict[str, tuple[str, ...]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name: {code: tuple(items) for code, items in reqs.items()} for name, reqs in data.items()
    }


def requirement_state(values: list) -> str:
    """``values``: per mapped item a score 0..1, None (N/A or hidden) or MISSING."""
    if any(v is MISSING for v in values):
        return UNANSWERED
    scored = [v for v in values if v is not None]
    if not scored:
        return NOT_APPLICABLE
    if all(v >= 1 for v in scored):
        return MET
    return PARTLY if any(v > 0 for v in scored) else NOT_MET


def coverage(
    set_name: str, item_values: Mapping[str, object], mappings: Mapping | None = None
) -> Coverage:
    """``item_values``: standard item code -> score 0..1, None for N/A or hidden, and
    no key (or MISSING) for unanswered."""
    mappings = load_mappings() if mappings is None else mappings
    states = {}
    for name in (*INCLUDES.get(set_name, ()), set_name):
        for code, items in mappings[name].items():
            states[code] = requirement_state([item_values.get(i, MISSING) for i in items])
    return Coverage(states)
