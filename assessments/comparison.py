"""Side-by-side comparison of 2–5 vendors' latest assessments, in a bounded number of
queries whatever the size of the registry."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from questionnaires.models import Item, Section
from vendors.models import Certification
from vendors.risk import RESIDUAL_RISK_CHOICES

from . import scoring
from .answers import display_answer
from .evaluation import CONTRACT_ITEMS, Evaluation
from .models import Answer, Assessment, ScoringPolicy

MIN_VENDORS, MAX_VENDORS = 2, 5


# A score this many points below the best of its row is highlighted as a gap.
GAP_MARGIN = 10.0
RATING_ORDER = ("A", "B", "C", "D", "E")
RISK_ORDER = ("low", "medium", "high", "critical")
CERT_STATE_RANK = {"valid": 2, "expiring": 1}


@dataclass
class Row:
    """One line of the comparison: what each vendor shows (``cells``), how good it is
    (``ranks``: higher is better, None when there is nothing to compare), the value for
    the CSV (``values``: numbers as numbers) with its ``unit``, and the columns to
    highlight: ``alerts`` (a failed critical item) and, when ``margin`` is set, the
    scores more than ``margin`` below the best."""

    group: str
    label: str
    cells: list[str]
    ranks: list[float | None] = field(default_factory=list)
    values: list = field(default_factory=list)
    unit: str = ""
    alerts: set[int] = field(default_factory=set)
    margin: float | None = None

    @property
    def best(self) -> set[int]:
        """Columns holding the best value of the row (none when all are equal)."""
        known = [r for r in self.ranks if r is not None]
        if len(known) < 2 or len(set(known)) == 1:
            return set()
        top = max(known)
        return {i for i, r in enumerate(self.ranks) if r == top}

    @property
    def gaps(self) -> set[int]:
        """Columns more than ``margin`` below the best of the row."""
        known = [r for r in self.ranks if r is not None]
        if self.margin is None or not known:
            return set()
        top = max(known)
        return {
            i for i, r in enumerate(self.ranks) if r is not None and top - r > self.margin
        } - self.alerts

    @property
    def highlighted(self) -> bool:
        return bool(self.alerts or self.gaps)

    def css(self, index: int) -> str:
        classes = []
        if index in self.alerts:
            classes.append("cell-alert")
        elif index in self.gaps:
            classes.append("cell-gap")
        if index in self.best:
            classes.append("best-cell")
        return " ".join(classes)

    @property
    def styled_cells(self):
        """(text, css classes, is best) per column, for the template."""
        best = self.best
        return [(cell, self.css(i), i in best) for i, cell in enumerate(self.cells)]

    @property
    def csv_label(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def csv_values(self) -> list:
        return self.values or self.cells


def _rank(order, value):
    return -order.index(value) if value in order else None


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
    rows.append(
        Row(
            summary,
            _("Overall score"),
            [_fmt(s) for s in scores],
            scores,
            scores,
            margin=GAP_MARGIN,
        )
    )
    ratings = [
        frozen_or_live(c, "rating", lambda e: e.result.rating) if c["evaluation"] else None
        for c in columns
    ]
    rows.append(
        Row(
            summary,
            _("Rating"),
            [r or "—" for r in ratings],
            [_rank(RATING_ORDER, r) for r in ratings],
        )
    )
    tiers = [c["vendor"].inherent_tier for c in columns]
    # Tier 1 is the most sensitive work, tier 3 the least: a higher tier is the lower risk.
    rows.append(Row(summary, _("Inherent tier"), [str(t) for t in tiers], list(tiers), tiers))
    risks = [
        frozen_or_live(c, "residual_risk", lambda e: e.residual_risk) if c["evaluation"] else None
        for c in columns
    ]
    rows.append(
        Row(
            summary,
            _("Residual risk"),
            [_level(r) for r in risks],
            [_rank(RISK_ORDER, r) for r in risks],
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
            [
                (1 if c["assessment"].status == Assessment.Status.APPROVED else 0)
                if c["assessment"]
                else None
                for c in columns
            ],
        )
    )
    completeness = [
        round(c["evaluation"].result.completeness * 100) if c["evaluation"] else None
        for c in columns
    ]
    rows.append(
        Row(
            summary,
            _("Completeness"),
            ["—" if v is None else f"{v}%" for v in completeness],
            completeness,
            completeness,
            unit="%",
        )
    )
    knockouts = [
        [k.item_code for k in c["evaluation"].result.knockouts] if c["evaluation"] else None
        for c in columns
    ]
    rows.append(
        Row(
            summary,
            _("Knockouts"),
            ["—" if k is None else ", ".join(k) or _("None") for k in knockouts],
            [None if k is None else -len(k) for k in knockouts],
            alerts={i for i, k in enumerate(knockouts) if k},
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
        rows.append(
            Row(section_group, title, [_fmt(v) for v in values], values, values, margin=GAP_MARGIN)
        )

    cert_group = _("Certifications")
    kinds = dict(Certification.Kind.choices)
    present = sorted({cert.kind for v in vendors for cert in v.certifications.all()})
    for kind in present:
        cells, ranks = [], []
        for vendor in vendors:
            certs = [c for c in vendor.certifications.all() if c.kind == kind]
            cells.append(
                "; ".join(f"{c.get_state_display()} ({c.valid_until:%Y-%m-%d})" for c in certs)
                or "—"
            )
            ranks.append(max((CERT_STATE_RANK.get(c.state, 0) for c in certs), default=-1))
        rows.append(Row(cert_group, str(kinds[kind]), cells, ranks))

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
        rows.append(_contract_row(contract_group, code, item, columns))
    return columns, rows


def _contract_row(group, code, item, columns) -> Row:
    """A contract term per vendor; the best is the fullest answer, and among numbers
    (hours until a leak is reported) the shortest or the largest as the item scores it."""
    cells, ranks, values, alerts = [], [], [], set()
    number = item.answer_type == "number"
    lower_is_better = bool(item.thresholds and item.thresholds.get("lower_is_better"))
    for index, c in enumerate(columns):
        e = c["evaluation"]
        if e is None or code not in e.items_by_code:
            cells.append("—")
            ranks.append(None)
            values.append("")
            continue
        if code not in e.visible:
            cells.append(_("Not applicable"))
            ranks.append(None)
            values.append(_("Not applicable"))
            continue
        own = e.items_by_code[code]
        answer = e.answers.get(code)
        value = answer.value if answer else None
        cells.append(display_answer(own, value))
        if code in {k.item_code for k in e.result.knockouts}:
            alerts.add(index)
        if number and isinstance(value, int | float):
            ranks.append(-value if lower_is_better else value)
            values.append(value)
        else:
            mark = scoring.item_value(e.specs_by_code[code], value) if value is not None else None
            ranks.append(mark)
            values.append(display_answer(own, value) if value is not None else "")
    return Row(
        group,
        f"{code} {item.question}",
        cells,
        ranks,
        values,
        unit=item.unit if number else "",
        alerts=alerts,
    )


def _fmt(value):
    return "—" if value is None else f"{value:.1f}"


def _level(level):
    return str(dict(RESIDUAL_RISK_CHOICES).get(level, "—"))
