"""Bridge between the database and the pure scoring module: ORM rows in, plain
specs and answers out, then questionnaires.scoring does the rest."""

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

    def __init__(self, sections, items, answers):
        # sections: Section rows in order; items: Item rows with .section loaded;
        # answers: {item code: Answer}.
        self.sections = list(sections)
        self.items = list(items)
        self.answers = answers
        self.specs = [item_spec(i) for i in self.items]
        self.values = {code: a.value for code, a in answers.items()}
        self.visible = scoring.visible_codes(self.specs, self.values)
        self.result = scoring.score(
            [scoring.SectionSpec(s.code, s.weight) for s in self.sections], self.specs, self.values
        )

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


def evaluate(assessment) -> Evaluation:
    version = assessment.version
    sections = version.sections.order_by("position")
    items = version.items.select_related("section").order_by("section__position", "position")
    answers = {
        a.item.code: a
        for a in assessment.answers.select_related("item").prefetch_related("evidence")
    }
    return Evaluation(sections, items, answers)
