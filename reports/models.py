import secrets

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filenames import download_name


def report_storage_name(report, filename):
    """An unguessable storage name; the download name is built from the vendor."""
    return f"reports/{report.assessment_id}/{secrets.token_hex(16)}.pdf"


class RenderedPDF(models.Model):
    """What every PDF the Celery workers render keeps: its language, who asked, where the
    pipeline has got to (claim, lease, attempts, error) and the stored file's facts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        # Retention after offboarding deleted the PDF (or the request); the record stays.
        PURGED = "purged", _("File deleted after the retention period")

    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # SHA-256 of everything the PDF shows (its subject's state, the template version and
    # the language). Same fingerprint, same PDF: no second render.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, db_index=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # When the render task was last handed to the broker; empty while the broker was down.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Until when the worker that claimed the report holds it: its hard time limit, after
    # which it has certainly been killed. Past it, another worker may take the report over.
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("lease expires at")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # The download name's middle part, by language.
    DOWNLOAD_LABELS: dict = {}

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.subject} ({self.language}, {self.get_status_display()})"

    @property
    def subject(self):
        raise NotImplementedError

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.PURGED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    def download_name(self) -> str:
        name = self.subject.vendor.display_name(self.language)
        # The day in Japan (the configured time zone), not in UTC: a report finished at
        # 08:00 in Tokyo carries that day's date.
        day = timezone.localtime(
            self.finished_at or self.requested_at, timezone.get_default_timezone()
        ).strftime("%Y%m%d")
        label = self.DOWNLOAD_LABELS["ja" if self.language == "ja" else "en"]
        # A vendor's name is typed by staff: it may carry a slash, a right-to-left
        # override or a ".exe" of its own.
        name = name.replace("/", "_").replace("\\", "_")
        return download_name(f"{name}_{label}_{day}", ".pdf")

    def purge(self):
        """Delete the PDF from storage and keep the record (retention after offboarding);
        its status says so, and nobody renders or retries it again."""
        if self.file:
            self.file.delete(save=False)
        self.status = self.Status.PURGED
        self.save(update_fields=["file", "status"])


class Report(RenderedPDF):
    """One PDF of an assessment in one language, rendered by a Celery worker."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("assessment"),
    )
    file = models.FileField(_("file"), upload_to=report_storage_name, max_length=255, blank=True)
    draft = models.BooleanField(_("draft"), default=True)

    DOWNLOAD_LABELS = {"ja": "評価報告書", "en": "assessment-report"}

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["assessment", "language", "fingerprint"]),
            models.Index(fields=["status", "lease_expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file=""),
                name="report_ready_has_file",
            )
        ]

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def subject(self):
        return self.assessment

    def get_additional_data(self):
        return {"vendor_id": self.assessment.vendor_id, "assessment_id": self.assessment_id}


auditlog.register(Report, exclude_fields=["queued_at", "lease_expires_at"])


def incident_report_storage_name(report, filename):
    return f"reports/incidents/{report.incident_id}/{secrets.token_hex(16)}.pdf"


class IncidentReport(RenderedPDF):
    """One PDF of an incident: in Japanese, the draft of the PPC's report form
    (施行規則第8条第1項); in English, the summary for management. Rendered by the same
    pipeline as assessment reports (claim, lease, conditional store, sweep)."""

    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("incident"),
    )
    file = models.FileField(
        _("file"), upload_to=incident_report_storage_name, max_length=255, blank=True
    )

    DOWNLOAD_LABELS = {"ja": "漏えい等報告_下書き", "en": "incident-summary"}

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["incident", "language", "fingerprint"]),
            models.Index(fields=["status", "lease_expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file=""),
                name="incident_report_ready_has_file",
            )
        ]

    @property
    def subject(self):
        return self.incident

    def get_additional_data(self):
        return {"vendor_id": self.incident.vendor_id, "incident_id": self.incident_id}


auditlog.register(IncidentReport, exclude_fields=["queued_at", "lease_expires_at"])
