"""Vendor incidents: the record, its changing facts (each change kept as a revision),
its timeline, and the organisation's deadline targets.

Classification and deadlines are derived on save from the facts (``rules`` and
``deadlines``), and stored so that lists, reminders and the dashboard filter in SQL.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vendors.models import StoredFile, Vendor

from . import deadlines, rules


class IncidentPolicy(models.Model):
    """One row: our reading of "promptly", and how soon a vendor with a reportable
    incident is reassessed."""

    quick_report_days = models.PositiveSmallIntegerField(
        _("target for the preliminary report (days)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text=_(
            "The law says “promptly” (施行規則第8条第1項); the PPC's guidelines read it as "
            "roughly 3 to 5 days. This number is our own judgement, shown as such."
        ),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("target for notifying the people affected (days)"),
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_(
            "The law says “promptly, as the situation allows” (法第26条第2項, 施行規則第10条); "
            "this target is our own judgement."
        ),
    )
    reassessment_days = models.PositiveSmallIntegerField(
        _("reassess the vendor within (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A reportable incident brings the vendor's next reassessment this close."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("incident policy")
        verbose_name_plural = _("incident policy")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_incident_policy")]

    def __str__(self):
        return str(_("Incident policy"))

    @classmethod
    def current(cls) -> "IncidentPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Incident(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported by the vendor, not yet reviewed")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("vendor")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("assessment"),
    )
    contract = models.ForeignKey(
        "vendors.Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("contract"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    vendor_aware_at = models.DateTimeField(_("the vendor became aware at"), null=True, blank=True)
    aware_at = models.DateTimeField(
        _("we became aware at"),
        help_text=_(
            "The clock runs from here: when someone of ours learnt of it (通則編 3-5-3-3), "
            "usually when the vendor told us."
        ),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reported_by_contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("reported by (vendor contact)"),
    )
    data_categories = models.TextField(
        _("items of personal data"), blank=True, help_text=_("E.g. names, phone numbers.")
    )
    systems = models.TextField(_("systems and media involved"), blank=True)
    # The facts that decide reportability (rules.Facts).
    people_affected = models.PositiveIntegerField(
        _("people affected (estimate)"),
        null=True,
        blank=True,
        help_text=_("Leave empty while unknown; revise it as the count grows."),
    )
    people_may_exceed = models.BooleanField(
        _("the number may exceed 1,000"),
        default=False,
        help_text=_("A risk of it is enough (発生したおそれ, 施行規則第7条第4号)."),
    )
    sensitive_data = models.BooleanField(
        _("sensitive personal data (要配慮個人情報)"),
        default=False,
        help_text=_("Medical history, criminal record, creed, race… (法第2条第3項, 第7条第1号)."),
    )
    financial_damage = models.BooleanField(
        _("misuse may cause financial loss"),
        default=False,
        help_text=_("Card numbers, bank or shop log-ins and passwords (施行規則第7条第2号)."),
    )
    malicious = models.BooleanField(
        _("possibly caused with malicious intent"),
        default=False,
        help_text=_(
            "Unauthorised access, theft, an insider taking data, ransomware; also data we "
            "were acquiring, e.g. a skimmed web form (施行規則第7条第3号, since 2024)."
        ),
    )
    my_number = models.BooleanField(
        _("My Number data (特定個人情報)"),
        default=False,
        help_text=_("Its own reporting rules: 番号法第29条の4."),
    )
    encrypted = models.BooleanField(
        _("protected by advanced encryption"),
        default=False,
        help_text=_(
            "Only when the key did not leak and the encryption meets the guidelines' "
            "standard (通則編 3-5-3-1)."
        ),
    )
    # Items of the PPC's form (施行規則第8条第1項第4号～第9号).
    cause = models.TextField(_("cause"), blank=True)
    secondary_damage = models.TextField(_("secondary damage or its risk"), blank=True)
    response_to_people = models.TextField(_("response to the people affected"), blank=True)
    publication = models.TextField(_("publication"), blank=True)
    prevention = models.TextField(_("measures to prevent a recurrence"), blank=True)
    other_notes = models.TextField(_("other matters for reference"), blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Derived on save.
    reportable = models.BooleanField(_("reportable to the PPC"), default=False, editable=False)
    cases = models.CharField(_("cases"), max_length=200, blank=True, editable=False)
    final_report_days = models.PositiveSmallIntegerField(
        _("final report within (days)"), null=True, blank=True, editable=False
    )
    quick_report_due_on = models.DateField(
        _("preliminary report target"), null=True, blank=True, editable=False
    )
    notice_due_on = models.DateField(
        _("notice to the people target"), null=True, blank=True, editable=False
    )
    final_report_due_on = models.DateField(
        _("final report due"), null=True, blank=True, editable=False
    )
    # Set from the timeline.
    quick_report_sent_on = models.DateField(
        _("preliminary report sent"), null=True, blank=True, editable=False
    )
    notice_sent_on = models.DateField(_("people notified"), null=True, blank=True, editable=False)
    final_report_sent_on = models.DateField(
        _("final report sent"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-aware_at", "-pk"]
        indexes = [
            models.Index(fields=["vendor", "status"]),
            models.Index(fields=["status", "reportable", "final_report_due_on"]),
            models.Index(fields=["quick_report_due_on"]),
            models.Index(fields=["final_report_due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="incident_closed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(vendor_aware_at__isnull=True)
                | models.Q(occurred_at__isnull=True)
                | models.Q(occurred_at__lte=models.F("vendor_aware_at")),
                name="incident_occurred_before_vendor_aware",
                violation_error_message=_(
                    "The vendor cannot have learnt of it before it happened."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.apply_rules()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.DERIVED}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    def get_additional_data(self):
        return {"vendor_id": self.vendor_id}

    DERIVED = (
        "reportable",
        "cases",
        "final_report_days",
        "quick_report_due_on",
        "notice_due_on",
        "final_report_due_on",
    )

    @property
    def facts(self) -> rules.Facts:
        return rules.Facts(
            people=self.people_affected,
            people_may_exceed=self.people_may_exceed,
            sensitive_data=self.sensitive_data,
            financial_damage=self.financial_damage,
            malicious=self.malicious,
            my_number=self.my_number,
            encrypted=self.encrypted,
        )

    @property
    def classification(self) -> rules.Classification:
        return rules.classify(self.facts)

    def clock(self, policy: IncidentPolicy | None = None) -> deadlines.Deadlines:
        policy = policy or IncidentPolicy.current()
        return deadlines.deadlines_for(
            self.aware_at,
            final_days=self.classification.final_report_days,
            quick_days=policy.quick_report_days,
            notice_days=policy.notice_days,
        )

    def apply_rules(self, policy: IncidentPolicy | None = None) -> None:
        result = self.classification
        self.reportable = result.reportable
        self.cases = ",".join(result.cases)
        self.final_report_days = result.final_report_days
        if result.reportable and self.aware_at:
            clock = self.clock(policy)
            self.quick_report_due_on = clock.quick_target
            self.notice_due_on = clock.notice_target
            self.final_report_due_on = clock.final_due
        else:
            self.quick_report_due_on = self.notice_due_on = self.final_report_due_on = None

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def open_deadlines(self) -> list[tuple[str, object]]:
        """(code, due date) of the deadlines not met yet, soonest first."""
        if not self.reportable or not self.is_open:
            return []
        pending = [
            ("quick_report", self.quick_report_due_on, self.quick_report_sent_on),
            ("notice", self.notice_due_on, self.notice_sent_on),
            ("final_report", self.final_report_due_on, self.final_report_sent_on),
        ]
        return sorted(
            [(code, due) for code, due, done in pending if due and not done],
            key=lambda pair: pair[1],
        )

    def next_deadline(self):
        pending = self.open_deadlines()
        return pending[0] if pending else None


DEADLINE_LABELS = {
    "quick_report": _("Preliminary report (速報) to the PPC"),
    "notice": _("Notice to the people affected (本人通知)"),
    "final_report": _("Final report (確報) to the PPC"),
}


class IncidentRevision(models.Model):
    """The facts and the classification as they stood after one change."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("incident")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_by_contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by (vendor contact)"),
    )
    facts = models.JSONField(_("facts"), default=dict)
    reportable = models.BooleanField(_("reportable to the PPC"), default=False)
    cases = models.CharField(_("cases"), max_length=200, blank=True)
    final_report_due_on = models.DateField(_("final report due"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident revision")
        verbose_name_plural = _("incident revisions")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.incident} @ {self.changed_at:%Y-%m-%d %H:%M}"

    def get_additional_data(self):
        return {"vendor_id": self.incident.vendor_id}

    @property
    def case_labels(self) -> list[str]:
        return [str(rules.CASE_LABELS[c]) for c in self.cases.split(",") if c in rules.CASE_LABELS]


class IncidentStep(models.Model):
    """One thing done, by whom and when; it may carry files."""

    class Kind(models.TextChoices):
        VENDOR_NOTIFIED = "vendor_notified", _("The vendor notified us")
        CONTAINED = "contained", _("Contained")
        QUICK_REPORT = "quick_report", _("Preliminary report (速報) sent to the PPC")
        PEOPLE_NOTIFIED = "people_notified", _("People affected notified (本人通知)")
        PUBLISHED = "published", _("Public announcement")
        FINAL_REPORT = "final_report", _("Final report (確報) sent to the PPC")
        ROOT_CAUSE = "root_cause", _("Root cause found")
        PREVENTION = "prevention", _("Prevention agreed with the vendor")
        NOTE = "note", _("Note")
        CLOSED = "closed", _("Closed")

    # The step that meets each deadline.
    MEETS = {
        Kind.QUICK_REPORT: "quick_report_sent_on",
        Kind.PEOPLE_NOTIFIED: "notice_sent_on",
        Kind.FINAL_REPORT: "final_report_sent_on",
    }

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="steps", verbose_name=_("incident")
    )
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    happened_at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_by_contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by (vendor contact)"),
    )
    files = models.ManyToManyField(
        StoredFile, blank=True, related_name="+", verbose_name=_("files")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ["happened_at", "pk"]

    def __str__(self):
        return self.get_kind_display()

    def get_additional_data(self):
        return {"vendor_id": self.incident.vendor_id}

    @property
    def by(self) -> str:
        if self.recorded_by_id:
            return str(self.recorded_by)
        if self.recorded_by_contact_id:
            return str(self.recorded_by_contact)
        return ""


auditlog.register(IncidentPolicy, exclude_fields=["updated_at"])
auditlog.register(Incident, exclude_fields=["updated_at"])
auditlog.register(IncidentRevision)
auditlog.register(IncidentStep, m2m_fields={"files"})
