from datetime import timedelta

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import risk
from .corporate_number import validate_corporate_number

EXPIRY_WARNING_DAYS = 90


class StoredFile(models.Model):
    """An uploaded file in private storage (see uploads.py)."""

    storage_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.original_name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Vendor(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        OFFBOARDED = "offboarded", _("Offboarded")
        REJECTED = "rejected", _("Rejected")

    class Category(models.TextChoices):
        PHONE = "phone", _("Phone answering / call centre")
        BPO = "bpo", _("BPO")
        IT = "it", _("IT / cloud")
        LOGISTICS = "logistics", _("Logistics")
        PRINTING = "printing", _("Printing and mailing")
        OTHER = "other", _("Other")

    # Which lifecycle moves make sense: from -> allowed targets.
    TRANSITIONS = {
        Status.CANDIDATE: (Status.UNDER_REVIEW, Status.REJECTED),
        Status.UNDER_REVIEW: (Status.APPROVED, Status.REJECTED, Status.CANDIDATE),
        Status.APPROVED: (Status.ACTIVE, Status.REJECTED),
        Status.ACTIVE: (Status.OFFBOARDED,),
        Status.OFFBOARDED: (Status.UNDER_REVIEW,),
        Status.REJECTED: (Status.CANDIDATE,),
    }

    name = models.CharField(_("legal name"), max_length=200)
    name_kana = models.CharField(_("reading (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("13 digits (法人番号), checked by the National Tax Agency's check digit."),
    )
    # Category codes as ",phone,bpo," so one portable LIKE finds a category.
    categories = models.CharField(_("service categories"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="vendors", verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CANDIDATE
    )
    engagement = models.CharField(
        _("engagement"),
        max_length=200,
        blank=True,
        help_text=_("The work this vendor is considered for, e.g. “Customer hotline 2027”."),
    )

    # Inherent-risk intake: what the vendor will handle and reach.
    personal_data = models.BooleanField(_("handles personal data"), default=False)
    sensitive_data = models.BooleanField(
        _("handles sensitive personal data (要配慮個人情報)"), default=False
    )
    payment_cards = models.BooleanField(_("handles payment card data"), default=False)
    record_volume = models.CharField(
        _("number of people's records"),
        max_length=10,
        choices=risk.VOLUME_CHOICES,
        default=risk.VOLUME_NONE,
    )
    confidential_on_vendor_it = models.BooleanField(
        _("our confidential information on the vendor's own IT"), default=False
    )
    internal_system_access = models.BooleanField(_("access to our internal systems"), default=False)
    business_critical = models.BooleanField(_("an outage would stop our business"), default=False)
    inherent_tier = models.PositiveSmallIntegerField(
        _("inherent-risk tier"), choices=risk.TIER_CHOICES, default=3, editable=False
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_vendors",
        verbose_name=_("owner"),
    )
    assigned_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_vendors",
        verbose_name=_("assigned staff"),
    )
    # From the latest approved assessment (set on approval), so that lists and the
    # dashboard count vendors by rating and risk without looking at every assessment.
    current_score = models.FloatField(_("score"), null=True, blank=True, editable=False)
    current_rating = models.CharField(_("rating"), max_length=1, blank=True, editable=False)
    current_residual_risk = models.CharField(
        _("residual risk"),
        max_length=10,
        blank=True,
        editable=False,
        choices=risk.RESIDUAL_RISK_CHOICES,
    )
    last_assessed_on = models.DateField(_("last assessed"), null=True, blank=True, editable=False)
    next_reassessment_on = models.DateField(
        _("next reassessment"), null=True, blank=True, editable=False
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    offboarded_at = models.DateTimeField(_("offboarded at"), null=True, blank=True)
    purged_at = models.DateTimeField(
        _("files deleted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the retention period ended and the vendor's files were deleted."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name_kana", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="vendor_corporate_number_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "inherent_tier"]),
            models.Index(fields=["name_kana", "name", "id"]),
            models.Index(fields=["inherent_tier", "name_kana", "id"]),
            # Covering indexes for the dashboard's counts (residual risk; tier × rating).
            models.Index(
                fields=["archived_at", "current_residual_risk", "inherent_tier", "current_rating"]
            ),
            models.Index(fields=["next_reassessment_on"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.inherent_tier = self.tier_result.tier
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "inherent_tier"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("vendors:detail", args=[self.pk])

    @property
    def intake(self) -> risk.Intake:
        return risk.Intake(
            personal_data=self.personal_data,
            sensitive_data=self.sensitive_data,
            payment_cards=self.payment_cards,
            record_volume=self.record_volume,
            confidential_on_vendor_it=self.confidential_on_vendor_it,
            internal_system_access=self.internal_system_access,
            business_critical=self.business_critical,
        )

    @property
    def tier_result(self) -> risk.TierResult:
        return risk.inherent_tier(self.intake)

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def set_categories(self, codes) -> None:
        valid = [c for c in self.Category.values if c in set(codes)]
        self.categories = "," + ",".join(valid) + "," if valid else ""

    def category_labels(self) -> list[str]:
        labels = dict(self.Category.choices)
        return [labels[c] for c in self.category_list if c in labels]

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS.get(self.status, ())

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def get_additional_data(self):
        return {"vendor_id": self.pk}


class VendorPart(models.Model):
    """Something that belongs to one vendor, so its history shows on the vendor page."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, verbose_name=_("vendor"))

    class Meta:
        abstract = True

    def get_additional_data(self):
        return {"vendor_id": self.vendor_id}


class Contact(VendorPart):
    name = models.CharField(_("name"), max_length=100)
    department = models.CharField(_("department"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        default_related_name = "contacts"
        ordering = ["pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name


class Certification(VendorPart):
    class Kind(models.TextChoices):
        PMARK = "pmark", _("Privacy Mark (JIS Q 15001)")
        ISO27001 = "iso27001", _("ISO/IEC 27001")
        ISO27017 = "iso27017", _("ISO/IEC 27017")
        ISO27701 = "iso27701", _("ISO/IEC 27701")
        SOC2 = "soc2", _("SOC 2 Type II")
        ISMAP = "ismap", _("ISMAP")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRING = "expiring", _("Expiring within 90 days")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    certification_body = models.CharField(_("certification body"), max_length=200, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    evidence = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("evidence")
    )

    class Meta:
        default_related_name = "certifications"
        ordering = ["kind", "-valid_until"]
        indexes = [models.Index(fields=["valid_until", "vendor"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="certification_valid_from_before_until",
                violation_error_message=_("The end of validity is before its start."),
            )
        ]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return f"{self.get_kind_display()} {self.registration_number}".strip()

    def state_on(self, day) -> str:
        if self.valid_until < day:
            return self.State.EXPIRED
        if self.valid_until <= day + timedelta(days=EXPIRY_WARNING_DAYS):
            return self.State.EXPIRING
        return self.State.VALID

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def get_state_display(self):
        return self.State(self.state).label


class Contract(VendorPart):
    class Kind(models.TextChoices):
        NDA = "nda", _("Non-disclosure agreement (NDA)")
        OUTSOURCING = "outsourcing", _("Outsourcing agreement")
        DPA = "dpa", _("Personal-data handling agreement")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("file")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        default_related_name = "contracts"
        ordering = ["kind", "-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signed_on__isnull=True)
                | models.Q(expires_on__isnull=True)
                | models.Q(signed_on__lte=models.F("expires_on")),
                name="contract_signed_before_expiry",
                violation_error_message=_("The contract expires before it was signed."),
            )
        ]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self):
        return self.title or self.get_kind_display()


auditlog.register(Vendor, m2m_fields={"assigned_staff", "tags"}, exclude_fields=["updated_at"])
auditlog.register(Contact)
auditlog.register(Certification)
auditlog.register(Contract)
