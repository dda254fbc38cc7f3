"""Side-by-side comparison of 2–5 vendors' latest assessments, in a bounded number of
queries whatever the size of the registry."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from questionnaires.models import Item, Section
from vendors.models import Certification
from vendors.risk import RESIDUAL_RISK_CHOICES

from .answers import display_answer
from .evaluation import CONTRACT_ITEMS, Evaluation
from .models import Answer, Assessment, ScoringPolicy

MIN_VENDORS, MAX_VENDORS = 2, 5


@dataclass
class Row:
    group: str
    label: str
    cells: list[str]
    scores: list[float | None] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1

    @property
    def best(self) -> set[int]:
        """Columns holding the highest score of the row (none when all are equal)."""
        known = [s for s in self.scores if s is not None]
        if not known or len(set(known)) == 1:
            return set()
        top = max(known)
        return {i for i, s in enumerate(self.scores) if s == top}


def latest_assessments(vendors) -> dict[int, Assessment]:
    """The latest approved assessment of each vendor, or its latest one of any status."""
    chosen = {}
    rows = (
        Assessment.objects.filter(vendor__in=vendors)
        .select_related("version")
        .order_by("vendor_id", "-approved_at", "-created_at", "-pk")
    )
    for assessment in rows:
        current = chosen.get(assessment.vendor_id)
        if current is None or (
            current.status != Assessment.Status.APPROVED
            and assessment.status == Assessment.Status.APPROVED
        ):
            chosen[assessment.vendor_id] = assessment
    return chosen


def evaluations(assessments, tiers) -> dict[int, Evaluation]:
    policy = ScoringPolicy.current()
    version_ids = {a.version_id for a in assessments}
    sections = defaultdict(list)
    for section in Section.objects.filter(version_id__in=version_ids).order_by("position"):
        sections[section.version_id].append(section)
    items = defaultdict(list)
    for item in (
        Item.objects.filter(version_id__in=version_ids)
        .select_related("section")
        .order_by("section__position", "position")
    ):
        items[item.version_id].append(item)
    answers = defaultdict(dict)
    for answer in Answer.objects.filter(assessment__in=assessments).select_related("item"):
        answers[answer.assessment_id][answer.item.code] = answer
    return {
        a.pk: Evaluation(
            sections[a.version_id],
            items[a.version_id],
            answers[a.pk],
            policy=policy,
            tier=tiers[a.vendor_id],
        )
        for a in assessments
    }


def compare(vendors) -> tuple[list, list[Row]]:
    """(columns, rows): one column per vendor, rows grouped for the table and the CSV."""
    vendors = list(
        vendors.prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("kind"))
        )
    )
    latest = latest_assessments(vendors)
    evals = evaluations(list(latest.values()), {v.pk: v.inherent_tier for v in vendors})
    columns = []
    for vendor in vendors:
        assessment = latest.get(vendor.pk)
        columns.append(
            {
                "vendor": vendor,
                "assessment": assessment,
                "evaluation": evals.get(assessment.pk) if assessment else None,
            }
        )

    def per_column(fn):
        return [fn(c) if c["evaluation"] else "—" for c in columns]

    def frozen_or_live(c, frozen, live):
        a = c["assessment"]
        return getattr(a, frozen) if a.snapshot else live(c["evaluation"])

    rows = []
    summary = _("Summary")
    scores = [
        frozen_or_live(c, "score", lambda e: e.result.overall) if c["evaluation"] else None
        for c in columns
    ]
    rows.append(Row(summary, _("Overall score"), [_fmt(s) for s in scores], scores))
    rows.append(
        Row(
            summary,
            _("Rating"),
            per_column(lambda c: frozen_or_live(c, "rating", lambda e: e.result.rating)),
        )
    )
    rows.append(Row(summary, _("Inherent tier"), [str(c["vendor"].inherent_tier) for c in columns]))
    rows.append(
        Row(
            summary,
            _("Residual risk"),
            per_column(
                lambda c: _level(frozen_or_live(c, "residual_risk", lambda e: e.residual_risk))
            ),
        )
    )
    rows.append(
        Row(
            summary,
            _("Assessment status"),
            [
                c["assessment"].get_status_display() if c["assessment"] else _("Not assessed")
                for c in columns
            ],
        )
    )
    rows.append(
        Row(
            summary,
            _("Completeness"),
            per_column(lambda c: f"{round(c['evaluation'].result.completeness * 100)}%"),
        )
    )
    rows.append(
        Row(
            summary,
            _("Knockouts"),
            per_column(
                lambda c: (
                    ", ".join(k.item_code for k in c["evaluation"].result.knockouts) or _("None")
                )
            ),
        )
    )

    section_group = _("Score by section")
    titles = {}
    for c in columns:
        if c["evaluation"]:
            for section in c["evaluation"].sections:
                titles.setdefault(section.code, section.title)
    for code, title in titles.items():
        values = []
        for c in columns:
            score = None
            if c["evaluation"]:
                score = next(
                    (s.score for s in c["evaluation"].result.sections if s.code == code), None
                )
            values.append(score)
        rows.append(Row(section_group, title, [_fmt(v) for v in values], values))

    cert_group = _("Certifications")
    kinds = dict(Certification.Kind.choices)
    present = sorted({cert.kind for v in vendors for cert in v.certifications.all()})
    for kind in present:
        cells = []
        for vendor in vendors:
            certs = [c for c in vendor.certifications.all() if c.kind == kind]
            cells.append(
                "; ".join(f"{c.get_state_display()} ({c.valid_until:%Y-%m-%d})" for c in certs)
                or "—"
            )
        rows.append(Row(cert_group, str(kinds[kind]), cells))

    contract_group = _("Contract terms")
    for code in CONTRACT_ITEMS:
        item = next(
            (
                c["evaluation"].items_by_code.get(code)
                for c in columns
                if c["evaluation"] and code in c["evaluation"].items_by_code
            ),
            None,
        )
        if item is None:
            continue
        cells = []
        for c in columns:
            e = c["evaluation"]
            if e is None or code not in e.items_by_code:
                cells.append("—")
            elif code not in e.visible:
                cells.append(_("Not applicable"))
            else:
                answer = e.answers.get(code)
                cells.append(
                    display_answer(e.items_by_code[code], answer.value if answer else None)
                )
        rows.append(Row(contract_group, f"{code} {item.question}", cells))
    return columns, rows


def _fmt(value):
    return "—" if value is None else f"{value:.1f}"


def _level(level):
    return str(dict(RESIDUAL_RISK_CHOICES).get(level, "—"))
