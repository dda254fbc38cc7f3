"""Assessments: a vendor answering a published checklist version, its answers, review
notes, findings, and the scoring policy around the score.

The tables keep the names they had when these models lived in ``questionnaires``
(``db_table``), so an installation moved here by ``migrate`` without copying a row.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.models import ChecklistVersion, Item
from vendors.risk import RESIDUAL_RISK_CHOICES

from .scoring import RATINGS

RATING_CHOICES = [(rating, rating) for rating in RATINGS]


class Assessment(models.Model):
    """A vendor answering one published checklist version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")

    class Conclusion(models.TextChoices):
        """The approving manager's decision, printed on the report's first page."""

        ADOPT = "adopt", _("Adopt")
        ADOPT_WITH_CONDITIONS = "conditional", _("Adopt with conditions")
        DO_NOT_ADOPT = "reject", _("Do not adopt")

    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("vendor"),
    )
    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("checklist version"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assessments_to_answer",
        verbose_name=_("assessors"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments_to_review",
        verbose_name=_("reviewer"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("carried over from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # Snapshot taken at approval, so later changes to bands or matrix rewrite no history.
    score = models.FloatField(_("score"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=1, blank=True, choices=RATING_CHOICES)
    residual_risk = models.CharField(
        _("residual risk"), max_length=10, blank=True, choices=RESIDUAL_RISK_CHOICES
    )
    next_reassessment_on = models.DateField(_("next reassessment"), null=True, blank=True)
    snapshot = models.JSONField(_("score snapshot"), null=True, blank=True, editable=False)
    # Chosen at approval; empty before it (and on approvals made before it existed).
    conclusion = models.CharField(
        _("conclusion"), max_length=12, blank=True, choices=Conclusion.choices
    )
    conditions = models.TextField(_("conditions of adoption"), blank=True)

    class Meta:
        db_table = "questionnaires_assessment"
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["vendor", "status"])]
        constraints = [
            # Empty until the approval freezes it.
            models.CheckConstraint(
                condition=models.Q(rating__in=["", *RATINGS]), name="assessment_rating_a_to_e"
            ),
            models.CheckConstraint(
                condition=models.Q(conclusion__in=["", "adopt", "conditional", "reject"]),
                name="assessment_conclusion_known",
            ),
            # Adopting with conditions names them; the other conclusions carry none.
            models.CheckConstraint(
                condition=(
                    models.Q(conclusion="conditional") & ~models.Q(conditions="")
                    | ~models.Q(conclusion="conditional") & models.Q(conditions="")
                ),
                name="assessment_conditions_with_conditional_conclusion",
            ),
        ]

    def __str__(self):
        return (
            f"{self.vendor} · {self.created_at:%Y-%m-%d}" if self.created_at else str(self.vendor)
        )

    @property
    def is_locked(self) -> bool:
        """Answers change only while the assessment is being filled in."""
        return self.status not in (self.Status.DRAFT, self.Status.IN_PROGRESS)

    def get_additional_data(self):
        return {"vendor_id": self.vendor_id, "assessment_id": self.pk}


class Answer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    # yes_no: "yes"/"partial"/"no"/"na"; choices: value or [values]; number; ISO date; text.
    value = models.JSONField(_("answer"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    carried_over = models.BooleanField(_("carried over"), default=False)
    # Answered from the vendor's intake when the assessment started; any save clears it.
    from_intake = models.BooleanField(_("filled from the vendor intake"), default=False)
    # Bumped on every save; a save based on an older revision is a conflict.
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    # Set when a vendor contact gave the answer through the portal (updated_by is then
    # empty); a staff save clears it, so the answer is marked as theirs.
    answered_by_contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by vendor contact"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    evidence = models.ManyToManyField(
        "vendors.StoredFile", blank=True, related_name="+", verbose_name=_("evidence")
    )

    class Meta:
        db_table = "questionnaires_answer"
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="answer_once_per_item")
        ]

    def __str__(self):
        return f"{self.item.code}: {self.value}"

    def get_additional_data(self):
        return {"vendor_id": self.assessment.vendor_id, "assessment_id": self.assessment_id}

    @property
    def answered_by(self):
        """Who gave the answer: the vendor contact, or the staff user."""
        return self.answered_by_contact or self.updated_by


class ReviewNote(models.Model):
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="review_notes",
        verbose_name=_("assessment"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    action = models.CharField(max_length=20, verbose_name=_("action"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        db_table = "questionnaires_reviewnote"
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:50]


auditlog.register(Assessment, m2m_fields={"assessors"}, exclude_fields=["snapshot", "updated_at"])
auditlog.register(Answer, m2m_fields={"evidence"}, exclude_fields=["updated_at", "revision"])
auditlog.register(ReviewNote)


def _default_bands():
    from .scoring import DEFAULT_BANDS

    return [[cut, label] for cut, label in DEFAULT_BANDS]


def _default_matrix():
    from .scoring import DEFAULT_RESIDUAL_MATRIX

    return {str(tier): dict(row) for tier, row in DEFAULT_RESIDUAL_MATRIX.items()}


def _default_months():
    from .scoring import DEFAULT_REASSESSMENT_MONTHS

    return dict(DEFAULT_REASSESSMENT_MONTHS)


def _default_due_days():
    from .scoring import DEFAULT_FINDING_DUE_DAYS

    return dict(DEFAULT_FINDING_DUE_DAYS)


class ScoringPolicy(models.Model):
    """The admin-set rules around the score: rating bands, the cap a failed critical
    item imposes, the residual-risk matrix, the reassessment intervals and the days a
    finding of each severity has to be remedied. One row."""

    bands = models.JSONField(_("rating bands"), default=_default_bands)
    critical_cap = models.CharField(
        _("rating cap after a failed critical item"),
        max_length=1,
        default="D",
        choices=RATING_CHOICES,
    )
    residual_matrix = models.JSONField(_("residual-risk matrix"), default=_default_matrix)
    reassessment_months = models.JSONField(_("reassessment months"), default=_default_months)
    finding_due_days = models.JSONField(
        _("days to remedy a finding, by severity"),
        default=_default_due_days,
        help_text=_(
            "A new finding is due this many days after it is found, e.g. "
            '{"critical": 30, "high": 60, "medium": 90, "low": 180}.'
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        db_table = "questionnaires_scoringpolicy"
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policy")
        constraints = [
            # One policy: current() reads and writes row 1, so a second row would be ignored.
            models.CheckConstraint(condition=models.Q(pk=1), name="scoring_policy_single_row"),
            models.CheckConstraint(
                condition=models.Q(critical_cap__in=RATINGS), name="scoring_policy_cap_a_to_e"
            ),
        ]

    def __str__(self):
        return str(_("Scoring policy"))

    def clean(self):
        from . import scoring

        self.pk = 1  # the one policy row, also when a superuser adds it in the admin
        try:
            scoring.validate_bands(self.band_tuples)
            scoring.validate_matrix(self.matrix)
        except (ValueError, TypeError, KeyError) as error:
            raise ValidationError(str(error)) from None
        months = self.reassessment_months
        if not isinstance(months, dict) or set(months) != set(scoring.RESIDUAL_LEVELS):
            raise ValidationError(_("Give months for each of low, medium, high and critical."))
        if not all(isinstance(m, int) and 1 <= m <= 120 for m in months.values()):
            raise ValidationError(_("Reassessment intervals are whole months from 1 to 120."))
        try:
            scoring.validate_due_days(self.finding_due_days)
        except ValueError:
            raise ValidationError(
                {
                    "finding_due_days": _(
                        "Give whole days from 1 to 730 for each of critical, high, medium and "
                        "low, never more for a worse severity than for a milder one."
                    )
                }
            ) from None

    @classmethod
    def current(cls) -> "ScoringPolicy":
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def band_tuples(self):
        return tuple((float(cut), label) for cut, label in self.bands)

    @property
    def matrix(self):
        return {int(tier): row for tier, row in self.residual_matrix.items()}


class Finding(models.Model):
    """An item below full marks in a submitted assessment, tracked until resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PLANNED = "planned", _("Remediation planned")
        ACCEPTED = "accepted", _("Risk accepted")
        RESOLVED = "resolved", _("Resolved")

    class Severity(models.TextChoices):
        CRITICAL = "critical", _("Critical")
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="findings", verbose_name=_("assessment")
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("vendor"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField(
        default=3, editable=False, verbose_name=_("severity rank")
    )
    value = models.FloatField(_("score of the answer"))
    unanswered = models.BooleanField(default=False, verbose_name=_("unanswered"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    remediation_plan = models.TextField(_("vendor's remediation plan"), blank=True)
    closing_note = models.TextField(_("note on closing or accepting"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        db_table = "questionnaires_finding"
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["severity_rank", "item__section__position", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="finding_once_per_item")
        ]
        indexes = [
            models.Index(fields=["status", "severity_rank"]),
            # The findings list's order: a page is read from the index, never sorted.
            models.Index(fields=["severity_rank", "due_date", "id"], name="finding_list_order"),
        ]

    def __str__(self):
        return f"{self.item.code} ({self.get_severity_display()})"

    def save(self, *args, **kwargs):
        # The vendor is the assessment's, kept on the row so that a vendor's findings are
        # counted without a join: set from the assessment, never different from it.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"vendor", "assessment"} & set(update_fields):
            if self.vendor_id is None:
                self.vendor_id = self.assessment.vendor_id
            elif self.vendor_id != self.assessment.vendor_id:
                raise ValidationError(self.vendor_mismatch())
        self.severity_rank = self.SEVERITY_ORDER.get(self.severity, 3)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("assessments:finding", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        """Past its due date and still open or planned."""
        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
            and self.status in (self.Status.OPEN, self.Status.PLANNED)
        )

    def clean(self):
        if self.vendor_id and self.assessment_id and self.vendor_id != self.assessment.vendor_id:
            raise ValidationError({"vendor": self.vendor_mismatch()})

    def get_additional_data(self):
        return {"vendor_id": self.vendor_id, "assessment_id": self.assessment_id}

    @staticmethod
    def vendor_mismatch():
        return _("A finding belongs to the vendor of its assessment.")

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.RESOLVED)


auditlog.register(Finding, exclude_fields=["updated_at", "severity_rank"])
auditlog.register(ScoringPolicy)
