from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .checklist_schema import AnswerType, RiskArea


def localized(obj, field: str) -> str:
    """The Japanese or English text of ``field``, by the active language."""
    language = (get_language() or "ja")[:2]
    other = "en" if language == "ja" else "ja"
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_{other}", "")


class Checklist(models.Model):
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    # New assessments start on the default checklist's published version unless another
    # checklist is chosen: publishing a question set or an import must not take over.
    is_default = models.BooleanField(
        _("default for new assessments"),
        default=False,
        help_text=_("New assessments use this checklist unless another one is chosen."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_checklist",
            )
        ]

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
    # What an import of a standard format (VSAQ, CAIQ) mapped and did not map.
    import_report = models.JSONField(_("import report"), null=True, blank=True, editable=False)
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
    RiskArea = RiskArea

    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("version"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=10)
    risk_area = models.CharField(_("risk area"), max_length=30, choices=RiskArea.choices)
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
            models.UniqueConstraint(fields=["version", "code"], name="section_code_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="section_weight_positive",
                violation_error_message=_("The weight of a section must be greater than 0."),
            ),
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
    AnswerType = AnswerType

    # Always the section's version (set by save()); kept on the item so that item codes
    # are unique per version. PostgreSQL refuses an item whose version is not its
    # section's (migration 0008: a foreign key over section and version).
    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("version"),
        editable=False,
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=13)
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices)
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
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="item_code_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0),
                name="item_weight_not_negative",
                violation_error_message=_("The weight of an item must not be negative."),
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.section_id is not None:
            self.version_id = self.section.version_id
        super().save(*args, **kwargs)

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


auditlog.register(Checklist)
auditlog.register(ChecklistVersion)
auditlog.register(Section)
auditlog.register(Item)
