from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vendors.risk import RESIDUAL_RISK_CHOICES

from .checklist_schema import ANSWER_TYPES, RISK_AREAS


def localized(obj, field: str) -> str:
    """The Japanese or English text of ``field``, by the active language."""
    language = (get_language() or "ja")[:2]
    other = "en" if language == "ja" else "ja"
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_{other}", "")


class Checklist(models.Model):
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self):
        return localized(self, "name")

    @property
    def name(self):
        return localized(self, "name")


class ChecklistVersion(models.Model):
    """One version of a checklist. Published and retired versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="versions", verbose_name=_("checklist")
    )
    number = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    created_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="version_number_unique")
        ]

    def __str__(self):
        return f"{self.checklist} v{self.number}" + (f" ({self.label})" if self.label else "")

    def save(self, *args, **kwargs):
        if self.pk:
            stored = ChecklistVersion.objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != self.Status.DRAFT:
                changed = set(kwargs.get("update_fields") or ["*"])
                if not changed <= {"status"} or self.status == self.Status.DRAFT:
                    raise ValidationError(_("A published checklist version cannot be changed."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("questionnaires:version", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.is_in_use():
            raise ValidationError(_("This version is used by an assessment and cannot be deleted."))
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only draft versions can be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def description(self):
        return localized(self, "description")

    def is_in_use(self) -> bool:
        return self.assessments.exists()


class EditableInDraft(models.Model):
    """Sections and items change only while their version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._assert_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._assert_draft()
        return super().delete(*args, **kwargs)

    def _assert_draft(self):
        status = (
            ChecklistVersion.objects.filter(pk=self.version_id).values_list("status", flat=True)
        ).first()
        if status is not None and status != ChecklistVersion.Status.DRAFT:
            raise ValidationError(_("A published checklist version cannot be changed."))


class Section(EditableInDraft):
    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("version"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=10)
    risk_area = models.CharField(
        _("risk area"), max_length=30, choices=[(a, a) for a in RISK_AREAS]
    )
    weight = models.FloatField(_("weight"), default=1)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="section_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def title(self):
        return localized(self, "title")

    @property
    def description(self):
        return localized(self, "description")


class Item(EditableInDraft):
    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=13)
    answer_type = models.CharField(
        _("answer type"), max_length=20, choices=[(t, t) for t in ANSWER_TYPES]
    )
    weight = models.FloatField(_("weight"), default=1)
    critical = models.BooleanField(_("critical"), default=False)
    allow_na = models.BooleanField(_("N/A allowed"), default=False)
    required = models.BooleanField(_("required"), default=True)
    evidence_expected = models.BooleanField(_("evidence expected"), default=False)
    question_ja = models.TextField(_("question (Japanese)"))
    question_en = models.TextField(_("question (English)"))
    guidance_ja = models.TextField(_("guidance (Japanese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    recommendation_ja = models.TextField(_("recommendation (Japanese)"), blank=True)
    recommendation_en = models.TextField(_("recommendation (English)"), blank=True)
    iso27001 = models.JSONField(_("ISO/IEC 27001:2022 Annex A"), default=list)
    jisq15001 = models.JSONField(_("JIS Q 15001"), default=list, blank=True)
    appi = models.JSONField(_("APPI"), default=list, blank=True)
    # [{"value": "daily", "label": {"ja": .., "en": ..}, "score": 1.0}, ...]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # {"full": 24, "partial": 72, "lower_is_better": true, "unit": {"ja": .., "en": ..}}
    thresholds = models.JSONField(_("thresholds"), null=True, blank=True)
    # {"item": "SUB-01", "values": ["yes"]}
    condition = models.JSONField(_("condition"), null=True, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["version", "section__position", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="item_code_unique")]

    def __str__(self):
        return self.code

    @property
    def question(self):
        return localized(self, "question")

    @property
    def guidance(self):
        return localized(self, "guidance")

    @property
    def recommendation(self):
        return localized(self, "recommendation")

    def choice_options(self) -> list[tuple[str, str]]:
        language = (get_language() or "ja")[:2]
        return [(c["value"], c["label"].get(language) or c["label"]["ja"]) for c in self.choices]

    @property
    def unit(self) -> str:
        if not self.thresholds:
            return ""
        language = (get_language() or "ja")[:2]
        return self.thresholds.get("unit", {}).get(language, "")


auditlog.register(ChecklistVersion)
auditlog.register(Section)
auditlog.register(Item)


class Assessment(models.Model):
    """A vendor answering one published checklist version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")

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
    rating = models.CharField(_("rating"), max_length=1, blank=True)
    residual_risk = models.CharField(
        _("residual risk"), max_length=10, blank=True, choices=RESIDUAL_RISK_CHOICES
    )
    next_reassessment_on = models.DateField(_("next reassessment"), null=True, blank=True)
    snapshot = models.JSONField(_("score snapshot"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["vendor", "status"])]

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
    # Bumped on every save; a save based on an older revision is a conflict.
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    evidence = models.ManyToManyField(
        "vendors.StoredFile", blank=True, related_name="+", verbose_name=_("evidence")
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="answer_once_per_item")
        ]

    def __str__(self):
        return f"{self.item.code}: {self.value}"

    def get_additional_data(self):
        return {"vendor_id": self.assessment.vendor_id, "assessment_id": self.assessment_id}


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
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:50]


auditlog.register(Assessment, m2m_fields={"assessors"})
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


class ScoringPolicy(models.Model):
    """The admin-set rules around the score: rating bands, the cap a failed critical
    item imposes, the residual-risk matrix and the reassessment intervals. One row."""

    bands = models.JSONField(_("rating bands"), default=_default_bands)
    critical_cap = models.CharField(
        _("rating cap after a failed critical item"),
        max_length=1,
        default="D",
        choices=[(r, r) for r in "ABCDE"],
    )
    residual_matrix = models.JSONField(_("residual-risk matrix"), default=_default_matrix)
    reassessment_months = models.JSONField(_("reassessment months"), default=_default_months)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policy")

    def __str__(self):
        return str(_("Scoring policy"))

    def clean(self):
        from . import scoring

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
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["severity_rank", "item__section__position", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="finding_once_per_item")
        ]
        indexes = [models.Index(fields=["status", "severity_rank"])]

    def __str__(self):
        return f"{self.item.code} ({self.get_severity_display()})"

    def save(self, *args, **kwargs):
        self.severity_rank = self.SEVERITY_ORDER.get(self.severity, 3)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("findings:detail", args=[self.pk])

    def get_additional_data(self):
        return {"vendor_id": self.vendor_id, "assessment_id": self.assessment_id}

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.RESOLVED)


auditlog.register(Finding, exclude_fields=["updated_at", "severity_rank"])
auditlog.register(ScoringPolicy)
