"""Bridge between the database and the pure scoring module: ORM rows in, plain
specs and answers out, then assessments.scoring does the rest."""

from . import scoring


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
        self.residual_risk = None
        if tier is not None:
            matrix = policy.matrix if policy is not None else scoring.DEFAULT_RESIDUAL_MATRIX
            self.residual_risk = scoring.residual_risk(tier, self.result.rating, matrix)

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
        rows = []
        for section in self.sections:
            shown = [i for i in self.items if i.section_id == section.pk and i.code in self.visible]
            answered = [i for i in shown if scoring.is_answered(self.values.get(i.code))]
            missing = [i for i in shown if i.required and i not in answered]
            rows.append((section, len(answered), len(shown), len(missing)))
        return rows

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
