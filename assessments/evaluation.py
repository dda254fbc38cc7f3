"""Bridge between the database and the pure scoring module: ORM rows in, plain
specs and answers out, then assessments.scoring does the rest. ``Evaluation.item_rows``
is the one presenter of item rows for the section page, the PDF and the comparison."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import scoring
from .answers import display_answer

# The contract clauses the seed asks for, and the checklist items that prove them: one
# list for the PDF and the comparison.
CONTRACT_CLAUSES = (
    (gettext_lazy("Non-disclosure agreement"), ("CON-01",)),
    (gettext_lazy("Duty to report a leak, and within how many hours"), ("CON-02", "INC-01")),
    (
        gettext_lazy("Subcontracting: allowed or not, and on what terms"),
        ("CON-03", "SUB-01", "SUB-02"),
    ),
    (gettext_lazy("Scope and basis of damages"), ("CON-04",)),
    (gettext_lazy("Retention period and deletion method"), ("CON-05", "CON-06")),
)
CONTRACT_ITEMS = tuple(code for _title, codes in CONTRACT_CLAUSES for code in codes)

# Until this share of the items shown is answered, pages show the progress instead of a
# rating: with nothing answered every scored item counts 0, and a red "E" and "critical"
# residual risk on a new assessment would say something about the vendor that nobody found.
RATING_MIN_ANSWERED_SHARE = 0.5


IPA_BAND_LABELS = {
    "complete": gettext_lazy("Every basic measure is in place; go on to stronger measures."),
    "mostly": gettext_lazy("Mostly in place, with some measures only partly done."),
    "gaps": gettext_lazy("Clear gaps: several measures are missing."),
    "weak": gettext_lazy("Few measures in place: an incident could happen at any time."),
}


@dataclass
class ItemRow:
    """One item as a page or a PDF shows it: the answer in words, how well it meets the
    item (``css`` met/partial/failed/na/none with its ``label``), comment and evidence."""

    item: Any
    answer: Any  # the Answer row, or None
    visible: bool
    value: Any
    display: str
    comment: str
    css: str
    label: str
    evidence: list = field(default_factory=list)


def item_spec(item) -> scoring.ItemSpec:
    thresholds = item.thresholds
    condition = item.condition
    return scoring.ItemSpec(
        code=item.code,
        section=item.section.code,
        answer_type=item.answer_type,
        weight=item.weight,
        critical=item.critical,
        allow_na=item.allow_na,
        required=item.required,
        choices=tuple((c["value"], float(c["score"])) for c in item.choices),
        thresholds=(
            scoring.Thresholds(
                float(thresholds["full"]),
                float(thresholds["partial"]),
                bool(thresholds["lower_is_better"]),
            )
            if thresholds
            else None
        ),
        condition=(
            scoring.Condition(condition["item"], tuple(condition["values"])) if condition else None
        ),
    )


class Evaluation:
    """Everything derived from one assessment's answers, computed once per request."""

    def __init__(self, sections, items, answers, *, policy=None, tier=None):
        # sections: Section rows in order; items: Item rows with .section loaded;
        # answers: {item code: Answer}; policy: ScoringPolicy; tier: the vendor's tier.
        self.sections = list(sections)
        self.items = list(items)
        self.answers = answers
        self.specs = [item_spec(i) for i in self.items]
        self.specs_by_code = {spec.code: spec for spec in self.specs}
        self.values = {code: a.value for code, a in answers.items()}
        self.visible = scoring.visible_codes(self.specs, self.values)
        options = {}
        if policy is not None:
            options = {"bands": policy.band_tuples, "critical_cap": policy.critical_cap}
        self.result = scoring.score(
            [scoring.SectionSpec(s.code, s.weight) for s in self.sections],
            self.specs,
            self.values,
            **options,
        )
        self._progress = None
        self.residual_risk = None
        if tier is not None:
            matrix = policy.matrix if policy is not None else scoring.DEFAULT_RESIDUAL_MATRIX
            self.residual_risk = scoring.residual_risk(tier, self.result.rating, matrix)

    @property
    def ipa_band_label(self) -> str:
        """IPA's reading of its own total, once every item is answered."""
        band = scoring.ipa_band(self.result.ipa) if self.result.ipa else None
        return str(IPA_BAND_LABELS[band]) if band else ""

    @property
    def items_by_code(self):
        return {i.code: i for i in self.items}

    def section_rows(self):
        """(section, SectionScore) in order, for tables and the chart."""
        scores = {s.code: s for s in self.result.sections}
        return [(section, scores.get(section.code)) for section in self.sections]

    def chart_svg(self, title=""):
        from .charts import section_chart_svg

        rows = [(s.title, score.score if score else None) for s, score in self.section_rows()]
        return section_chart_svg(rows, title=title)

    def knockout_rows(self):
        items = self.items_by_code
        return [(items[k.item_code], k) for k in self.result.knockouts if k.item_code in items]

    def section_progress(self):
        """(section, answered, visible, required_missing) in order."""
        if self._progress is None:
            self._progress = self._section_progress()
        return self._progress

    def _section_progress(self):
        by_section = {}
        for item in self.items:
            by_section.setdefault(item.section_id, []).append(item)
        rows = []
        for section in self.sections:
            shown = [i for i in by_section.get(section.pk, ()) if i.code in self.visible]
            answered = [i for i in shown if scoring.is_answered(self.values.get(i.code))]
            missing = [i for i in shown if i.required and i not in answered]
            rows.append((section, len(answered), len(shown), len(missing)))
        return rows

    @property
    def answered_count(self) -> int:
        """Items shown that have an answer, over the whole assessment."""
        return sum(answered for _s, answered, _shown, _missing in self.section_progress())

    @property
    def shown_count(self) -> int:
        return sum(shown for _s, _answered, shown, _missing in self.section_progress())

    @property
    def answered_percent(self) -> int:
        return int(100 * self.answered_count / self.shown_count) if self.shown_count else 0

    @property
    def rating_ready(self) -> bool:
        """Whether enough is answered for the running score to mean something: at least
        RATING_MIN_ANSWERED_SHARE of the items shown. Before that the pages say "not
        answered" or "in progress" with the progress, not a rating."""
        shown = self.shown_count
        return bool(shown) and self.answered_count >= RATING_MIN_ANSWERED_SHARE * shown

    @property
    def rating_min_percent(self) -> int:
        return round(100 * RATING_MIN_ANSWERED_SHARE)

    def neighbours(self, section):
        """(previous section or None, next section or None) around ``section``."""
        index = next(n for n, s in enumerate(self.sections) if s.pk == section.pk)
        previous = self.sections[index - 1] if index > 0 else None
        following = self.sections[index + 1] if index + 1 < len(self.sections) else None
        return previous, following

    def conditional_visibility(self, section) -> dict[str, bool]:
        """{item code: shown} for the items of ``section`` that have a condition: what a
        page must show or hide after a save, without sending the items again."""
        return {
            item.code: item.code in self.visible
            for item in self.items
            if item.section_id == section.pk and item.condition
        }

    def item_rows(self, section=None, *, codes=None) -> list[ItemRow]:
        """The rows of ``section`` (or of the items with ``codes``, in that order)."""
        if codes is not None:
            by_code = self.items_by_code
            items = [by_code[c] for c in codes if c in by_code]
        else:
            items = [i for i in self.items if section is None or i.section_id == section.pk]
        return [self._row(item) for item in items]

    def _row(self, item) -> ItemRow:
        answer = self.answers.get(item.code)
        visible = item.code in self.visible
        value = answer.value if answer else None
        css, label = self._meets(item, value, visible)
        return ItemRow(
            item=item,
            answer=answer,
            visible=visible,
            value=value,
            display=display_answer(item, value) if answer and visible else "—",
            comment=answer.comment if answer else "",
            css=css,
            label=label,
            evidence=list(answer.evidence.all()) if answer else [],
        )

    def _meets(self, item, value, visible) -> tuple[str, str]:
        if not visible:
            return "na", _("Not applicable")
        if not scoring.is_answered(value):
            return "none", _("Not answered")
        score = scoring.item_value(self.specs_by_code[item.code], value)
        if score is None:
            return "na", _("Not applicable") if value == scoring.NA else _("Answered")
        if score >= 1:
            return "met", _("Met")
        if score > 0:
            return "partial", _("Partly met")
        return "failed", _("Not met")

    def unanswered_items(self):
        codes = set(self.result.unanswered)
        return [i for i in self.items if i.code in codes]


def evaluate(assessment, *, policy=None) -> Evaluation:
    from .models import ScoringPolicy

    policy = policy or ScoringPolicy.current()
    version = assessment.version
    sections = version.sections.order_by("position")
    items = version.items.select_related("section").order_by("section__position", "position")
    answers = {
        a.item.code: a
        for a in assessment.answers.select_related("item").prefetch_related("evidence")
    }
    return Evaluation(sections, items, answers, policy=policy, tier=assessment.vendor.inherent_tier)
