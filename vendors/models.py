from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import certificates, meti, normalize, risk
from .corporate_number import validate_corporate_number

EXPIRY_WARNING_DAYS = certificates.EXPIRY_WARNING_DAYS


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
        ACTIVE = "active", pgettext_lazy("vendor status", "Active")
        OFFBOARDED = "offboarded", _("Offboarded")
        REJECTED = "rejected", _("Rejected")

    class Category(models.TextChoices):
        PHONE = "phone", _("Phone answering / call centre")
        BPO = "bpo", _("BPO")
        IT = "it", _("IT / cloud")
        LOGISTICS = "logistics", _("Logistics")
        PRINTING = "printing", _("Printing and mailing")
        OTHER = "other", _("Other")

    class DataLocation(models.TextChoices):
        UNKNOWN = "unknown", _("Not known yet")
        JAPAN = "japan", _("Japan only")
        ABROAD = "abroad", _("Also abroad (named countries)")

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
    my_number = models.BooleanField(
        _("handles My Number (特定個人情報)"),
        default=False,
        help_text=_(
            "Subcontracting My Number work needs our permission (My Number Act Art. 10) and "
            "its leaks have their own reporting rules."
        ),
    )
    record_volume = models.CharField(
        _("number of people's records"),
        max_length=10,
        choices=risk.VOLUME_CHOICES,
        default=risk.VOLUME_NONE,
    )
    telework = models.BooleanField(
        _("operators may work from home"),
        default=False,
        help_text=_("Shows the checklist's questions on home-based operators."),
    )
    call_recording = models.BooleanField(_("records calls or keeps voice data"), default=False)
    data_location = models.CharField(
        _("where our data is kept"),
        max_length=10,
        choices=DataLocation.choices,
        default=DataLocation.UNKNOWN,
    )
    data_location_detail = models.CharField(
        _("country and cloud region"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Japan, AWS Tokyo region”; abroad, name every country."),
    )
    # The three questions of METI's supply-chain security evaluation; any "yes" asks for ★4.
    confidential_on_vendor_it = models.BooleanField(
        _("our important confidential information is handled on the vendor's IT"),
        default=False,
        help_text=_("Information whose leak would hurt our reputation or lead to claims."),
    )
    internal_system_access = models.BooleanField(
        _("the vendor's environment can reach our internal systems"), default=False
    )
    business_critical = models.BooleanField(
        _("the vendor stopping would delay our business beyond what we can accept"),
        default=False,
    )
    inherent_tier = models.PositiveSmallIntegerField(
        _("inherent-risk tier"), choices=risk.TIER_CHOICES, default=3, editable=False
    )
    meti_declared_level = models.CharField(
        _("declared security level"),
        max_length=20,
        choices=meti.DeclaredLevel.choices,
        default=meti.DeclaredLevel.NONE,
        blank=True,
        help_text=_("METI ★3/★4 or IPA SECURITY ACTION ★1/★2, as the vendor shows it."),
    )
    meti_required_level = models.PositiveSmallIntegerField(
        _("required METI level"),
        choices=meti.REQUIRED_LEVEL_CHOICES,
        default=meti.STAR3,
        editable=False,
    )
    meti_below_required = models.BooleanField(
        _("below the required METI level"), default=True, editable=False
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
    # Names, reading, corporate number and contacts as one normalised text (normalize.py),
    # kept on save; the list's search looks only here, through a trigram index.
    search_key = models.TextField(_("search key"), blank=True, default="", editable=False)

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
        self.derive()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "inherent_tier",
                "meti_required_level",
                "meti_below_required",
                "search_key",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("vendors:detail", args=[self.pk])

    def derive(self) -> None:
        """The fields computed from the others (a bulk insert calls it, save does)."""
        self.inherent_tier = self.tier_result.tier
        level = self.meti_result
        self.meti_required_level = level.required
        self.meti_below_required = level.short
        self.refresh_search_key()

    def refresh_search_key(self, contacts=None) -> str:
        """Set (and return) the search key from the names and ``contacts`` (by default
        the vendor's stored contacts; a new vendor has none)."""
        if contacts is None:
            contacts = list(self.contacts.all()) if self.pk else []
        texts = [self.name, self.name_kana, self.name_en, self.corporate_number]
        for contact in contacts:
            texts += [contact.name, contact.email, contact.phone]
        self.search_key = normalize.search_key(*texts)
        return self.search_key

    def display_name(self, language: str) -> str:
        """The name a reader of ``language`` knows the vendor by: the registered Japanese
        name in Japanese, the English name (when there is one) in English."""
        if language[:2] == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def intake(self) -> risk.Intake:
        return risk.Intake(
            personal_data=self.personal_data,
            sensitive_data=self.sensitive_data,
            payment_cards=self.payment_cards,
            my_number=self.my_number,
            record_volume=self.record_volume,
            confidential_on_vendor_it=self.confidential_on_vendor_it,
            internal_system_access=self.internal_system_access,
            business_critical=self.business_critical,
        )

    @property
    def tier_result(self) -> risk.TierResult:
        return risk.inherent_tier(self.intake)

    @property
    def meti_result(self) -> meti.MetiResult:
        questions = meti.MetiQuestions(
            confidential_on_vendor_it=self.confidential_on_vendor_it,
            business_critical=self.business_critical,
            internal_system_access=self.internal_system_access,
        )
        return meti.required_level(questions, self.meti_declared_level)

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

    def statuses_after_approval(self) -> list[str]:
        """Where an approved assessment may move the vendor in its life cycle: forward to
        approved or active along the allowed transitions (a candidate passes review on the
        way), or to rejected where the vendor may be rejected from here."""
        forward = (
            self.Status.CANDIDATE,
            self.Status.UNDER_REVIEW,
            self.Status.APPROVED,
            self.Status.ACTIVE,
        )
        reached, frontier = [], [self.status]
        while frontier:
            for status in self.TRANSITIONS.get(frontier.pop(), ()):
                if status in forward and status not in reached and status != self.status:
                    reached.append(status)
                    frontier.append(status)
        targets = [s for s in (self.Status.APPROVED, self.Status.ACTIVE) if s in reached]
        if self.Status.REJECTED in self.allowed_transitions():
            targets.append(self.Status.REJECTED)
        return targets

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def get_additional_data(self):
        data = {"vendor_id": self.pk}
        # Set by a change an approval makes, so the entry names that assessment.
        if getattr(self, "audit_assessment_id", None):
            data["assessment_id"] = self.audit_assessment_id
        return data


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

    class Edition(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        ISO27001_2022 = "iso27001_2022", _("ISO/IEC 27001:2022 (JIS Q 27001:2023)")
        ISO27001_2013 = "iso27001_2013", _("ISO/IEC 27001:2013 (JIS Q 27001:2014)")
        JISQ15001_2023 = "jisq15001_2023", _("JIS Q 15001:2023")
        JISQ15001_2017 = "jisq15001_2017", _("JIS Q 15001:2017")

    class State(models.TextChoices):
        VALID = certificates.VALID, _("Valid")
        EXPIRING = certificates.EXPIRING, _("Expiring within 90 days")
        EXPIRED = certificates.EXPIRED, _("Expired")
        UNDER_RENEWAL = certificates.UNDER_RENEWAL, _("Valid while the renewal is reviewed")
        OLD_EDITION = certificates.OLD_EDITION, _("Old edition, no longer valid")

    class Badge(models.TextChoices):
        RENEWAL_WINDOW_OPEN = certificates.RENEWAL_WINDOW_OPEN, _("Renewal window open")
        SURVEILLANCE_OVERDUE = certificates.SURVEILLANCE_OVERDUE, _("Surveillance audit overdue")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    edition = models.CharField(
        _("edition"), max_length=20, choices=Edition.choices, default=Edition.UNKNOWN, blank=True
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=100,
        blank=True,
        help_text=_(
            "Privacy Mark: 8 digits with the optional count of grants, e.g. 10820123(05). "
            "ISMS: the number on the certificate, as listed in ISMS-AC's register."
        ),
    )
    certification_body = models.CharField(_("certification body"), max_length=200, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    last_surveillance_on = models.DateField(
        _("last surveillance audit"),
        null=True,
        blank=True,
        help_text=_("ISMS: the date of the latest yearly surveillance audit."),
    )
    renewal_applied_on = models.DateField(
        _("renewal applied on"),
        null=True,
        blank=True,
        help_text=_(
            "Privacy Mark: filed 8 to 4 months before the end of validity, the mark stays "
            "valid while the renewal is reviewed."
        ),
    )
    # Derived from the two dates above on save, so lists and the dashboard can tell an
    # expired mark from one under timely renewal without month arithmetic in SQL.
    renewal_in_time = models.BooleanField(_("renewal filed in time"), default=False, editable=False)
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
        return f"{self.display_name} {self.registration_number}".strip()

    def save(self, *args, **kwargs):
        self.renewal_in_time = self.kind == self.Kind.PMARK and certificates.renewal_filed_in_time(
            self.valid_until, self.renewal_applied_on
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "renewal_in_time"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The type with its edition, the standard named once: プライバシーマーク（JIS Q
        15001:2017）, not プライバシーマーク（JIS Q 15001） JIS Q 15001:2017."""
        if not self.edition:
            return self.get_kind_display()
        if self.kind == self.Kind.PMARK:
            return _("Privacy Mark (%(standard)s)") % {"standard": self.get_edition_display()}
        if self.kind == self.Kind.ISO27001:
            return self.get_edition_display()
        return f"{self.get_kind_display()} · {self.get_edition_display()}"

    def clean(self):
        super().clean()
        self.registration_number = certificates.normalize_registration_number(
            self.registration_number
        )
        if not certificates.registration_number_ok(self.kind, self.registration_number):
            if self.kind == self.Kind.PMARK:
                message = _(
                    "A Privacy Mark number has 8 digits and may end with the count of grants "
                    "in brackets, e.g. 10820123(05)."
                )
            else:
                message = _(
                    "An ISMS certificate number uses letters, digits, spaces and hyphens and "
                    "contains at least one digit, e.g. IS 123456."
                )
            raise ValidationError({"registration_number": message})

    def status_on(self, day) -> certificates.CertificateStatus:
        return certificates.certificate_status(
            kind=self.kind,
            valid_until=self.valid_until,
            today=day,
            edition=self.edition,
            valid_from=self.valid_from,
            last_surveillance_on=self.last_surveillance_on,
            renewal_applied_on=self.renewal_applied_on,
        )

    def state_on(self, day) -> str:
        return self.status_on(day).state

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def short_kind(self) -> str:
        """The name a badge has room for: the Privacy Mark without its standard's number."""
        if self.kind == self.Kind.PMARK:
            return _("Privacy Mark")
        return self.get_kind_display()

    @property
    def badge_labels(self) -> list[str]:
        status = self.status_on(timezone.localdate())
        return [self.Badge(code).label for code in status.badges]


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


def refresh_vendor_search_key(vendor_id) -> None:
    """After a contact changed: the vendor's key again, without touching anything else
    (no audit entry, no new updated_at)."""
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is not None:
        Vendor.objects.filter(pk=vendor_id).update(search_key=vendor.refresh_search_key())


auditlog.register(
    Vendor, m2m_fields={"assigned_staff", "tags"}, exclude_fields=["updated_at", "search_key"]
)
auditlog.register(Contact)
auditlog.register(Certification)
auditlog.register(Contract)
