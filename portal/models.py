"""The vendor portal: invitations (a link bound to one assessment and scope), the
review of vendor answers one by one, and the vendor's remediation proposals.

A link's token is never stored: only its SHA-256. The e-mailed code is stored as an
HMAC under the secret key. A portal session is a signed cookie naming one invitation
and its ``session_epoch``; revoking or re-sending bumps the epoch, which ends it.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    class Kind(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        REMEDIATION = "remediation", _("Remediation of findings")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        VERIFIED = "verified", _("Code verified")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("assessment"),
    )
    contact = models.ForeignKey(
        "vendors.Contact",
        on_delete=models.PROTECT,
        related_name="portal_invitations",
        verbose_name=_("contact"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delegations",
        verbose_name=_("delegated from"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.QUESTIONNAIRE
    )
    # Section codes in scope; empty means the whole questionnaire.
    sections = models.JSONField(_("sections"), default=list, blank=True)
    message = models.TextField(_("personal message"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    token_hash = models.CharField(
        _("link fingerprint (SHA-256)"), max_length=64, unique=True, editable=False
    )
    expires_at = models.DateTimeField(_("link expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("code verified at"), null=True, blank=True)
    started_at = models.DateTimeField(_("first answer at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    code_hash = models.CharField(_("code fingerprint"), max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(_("code expires"), null=True, blank=True, editable=False)
    code_tries = models.PositiveSmallIntegerField(_("wrong codes"), default=0, editable=False)
    session_epoch = models.PositiveIntegerField(_("session generation"), default=0, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.contact} · {self.assessment.vendor}"

    def get_additional_data(self):
        return {"vendor_id": self.assessment.vendor_id, "assessment_id": self.assessment_id}

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """The link still works (neither revoked nor expired)."""
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.revoked_at:
            return self.Status.REVOKED
        if self.is_expired:
            return self.Status.EXPIRED
        if self.submitted_at:
            return self.Status.SUBMITTED
        for stamp, status in (
            (self.started_at, self.Status.IN_PROGRESS),
            (self.verified_at, self.Status.VERIFIED),
            (self.opened_at, self.Status.OPENED),
        ):
            if stamp:
                return status
        return self.Status.SENT

    def get_status_display(self):
        return self.Status(self.status).label

    def covers(self, section_code: str) -> bool:
        return not self.sections or section_code in self.sections


class AnswerReview(models.Model):
    """Staff's verdict on one vendor answer: accepted, or a question thread."""

    class Status(models.TextChoices):
        QUESTION = "question", _("Question open")
        ANSWERED = "answered", _("Vendor replied")
        ACCEPTED = "accepted", _("Accepted")

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="answer_reviews",
        verbose_name=_("assessment"),
    )
    item = models.ForeignKey(
        "questionnaires.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer review")
        verbose_name_plural = _("answer reviews")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="review_once_per_item")
        ]

    def __str__(self):
        return f"{self.item.code}: {self.get_status_display()}"

    def get_additional_data(self):
        return {"vendor_id": self.assessment.vendor_id, "assessment_id": self.assessment_id}


class ReviewMessage(models.Model):
    """One message of an answer's thread: a staff question or a vendor reply."""

    review = models.ForeignKey(
        AnswerReview, on_delete=models.CASCADE, related_name="messages", verbose_name=_("review")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff author"),
    )
    contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("vendor author"),
    )
    text = models.TextField(_("text"))
    file = models.ForeignKey(
        "vendors.StoredFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("file"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A staff question reaches the vendor when the questionnaire is returned.
    released_at = models.DateTimeField(_("sent to the vendor at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review message")
        verbose_name_plural = _("review messages")

    def __str__(self):
        return self.text[:50]

    def get_additional_data(self):
        return {
            "vendor_id": self.review.assessment.vendor_id,
            "assessment_id": self.review.assessment_id,
        }

    @property
    def by_vendor(self) -> bool:
        return self.contact_id is not None


class PortalUpload(models.Model):
    """A file a vendor contact uploaded: the portal shows the vendor only these."""

    stored_file = models.OneToOneField(
        "vendors.StoredFile",
        on_delete=models.CASCADE,
        related_name="portal_upload",
        verbose_name=_("file"),
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("invitation")
    )
    contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portal upload")
        verbose_name_plural = _("portal uploads")

    def __str__(self):
        return str(self.stored_file)

    def get_additional_data(self):
        return self.invitation.get_additional_data()


class RemediationProposal(models.Model):
    """The vendor's plan to fix one finding, with a target date and evidence."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    finding = models.ForeignKey(
        "assessments.Finding",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("finding"),
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("invitation"),
    )
    contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    plan = models.TextField(_("remediation plan"))
    target_date = models.DateField(_("target date"))
    evidence = models.ManyToManyField(
        "vendors.StoredFile", blank=True, related_name="+", verbose_name=_("evidence")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("remediation proposal")
        verbose_name_plural = _("remediation proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["finding"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_finding",
            )
        ]

    def __str__(self):
        return f"{self.finding.item.code}: {self.get_status_display()}"

    def get_additional_data(self):
        return {"vendor_id": self.finding.vendor_id, "assessment_id": self.finding.assessment_id}


auditlog.register(
    Invitation,
    exclude_fields=[
        "token_hash",
        "code_hash",
        "code_expires_at",
        "code_tries",
        "session_epoch",
        "last_activity_at",
    ],
)
auditlog.register(AnswerReview, exclude_fields=["updated_at"])
auditlog.register(ReviewMessage)
auditlog.register(PortalUpload)
auditlog.register(RemediationProposal, m2m_fields={"evidence"})
