"""The shapes the API reads and writes. Writes go through the apps' services; these
only check the shape of the input."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import workflow
from assessments.models import Answer, Assessment, Finding
from questionnaires.models import ChecklistVersion, Item, Section
from reports.models import Report
from vendors.models import Certification, Contact, Contract, Vendor


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The display label of a choice field, in the caller's language."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return str(getattr(instance, f"get_{self.source}_display")())

    def to_representation(self, value):
        return value


class DatesInOrder:
    """The same rule (and message) as the vendor forms: the end is not before the start."""

    date_order: tuple = ()

    def validate(self, data):
        first, last, message = self.date_order
        if data.get(first) and data.get(last) and data[last] < data[first]:
            raise serializers.ValidationError({last: str(message)})
        return data


class CertificationSerializer(DatesInOrder, serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    date_order = ("valid_from", "valid_until", _("The end of validity is before its start."))

    class Meta:
        model = Certification
        fields = [
            "id",
            "kind",
            "registration_number",
            "certification_body",
            "scope",
            "valid_from",
            "valid_until",
            "state",
        ]


class ContractSerializer(DatesInOrder, serializers.ModelSerializer):
    date_order = ("signed_on", "expires_on", _("The contract expires before it was signed."))

    class Meta:
        model = Contract
        fields = ["id", "kind", "title", "signed_on", "expires_on", "notes"]


class ContactSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = Contact
        fields = ["id", "name", "department", "role", "email", "phone"]


VENDOR_WRITABLE = [
    "name",
    "name_kana",
    "name_en",
    "corporate_number",
    "address",
    "notes",
    "engagement",
    "personal_data",
    "sensitive_data",
    "payment_cards",
    "record_volume",
    "confidential_on_vendor_it",
    "internal_system_access",
    "business_critical",
]


class VendorSerializer(serializers.ModelSerializer):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Vendor.Category.choices),
        source="category_list",
        required=False,
    )
    status_label = LabelField(source="status")
    certifications = CertificationSerializer(many=True, read_only=True)
    contracts = ContractSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, required=False)
    current_residual_risk = serializers.CharField(
        read_only=True, help_text="low, medium, high, critical, or empty before approval"
    )
    current_rating = serializers.CharField(read_only=True, help_text="A–E, or empty")

    class Meta:
        model = Vendor
        fields = [
            "id",
            *VENDOR_WRITABLE,
            "categories",
            "status",
            "status_label",
            "inherent_tier",
            "owner",
            "current_score",
            "current_rating",
            "current_residual_risk",
            "last_assessed_on",
            "next_reassessment_on",
            "archived_at",
            "created_at",
            "updated_at",
            "certifications",
            "contracts",
            "contacts",
        ]
        read_only_fields = ["status", "owner", "archived_at"]


class VendorListSerializer(VendorSerializer):
    """The list leaves out contacts and contracts (one query less per page)."""

    class Meta(VendorSerializer.Meta):
        fields = [f for f in VendorSerializer.Meta.fields if f not in ("contacts", "contracts")]


class AssessmentSerializer(serializers.ModelSerializer):
    status_label = LabelField(source="status")
    available_actions = serializers.SerializerMethodField()
    residual_risk = serializers.CharField(
        read_only=True, help_text="low, medium, high, critical, or empty before approval"
    )

    # Empty until approval: the model's A–E choices allow blank, which an enum cannot say.
    rating = serializers.CharField(read_only=True, help_text="A–E, or empty until approval")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "vendor",
            "version",
            "status",
            "status_label",
            "reviewer",
            "due_date",
            "created_at",
            "updated_at",
            "submitted_at",
            "approved_at",
            "score",
            "rating",
            "residual_risk",
            "next_reassessment_on",
            "available_actions",
        ]
        read_only_fields = fields

    def get_available_actions(self, assessment) -> list[str]:
        user = self.context["request"].user
        return workflow.available_actions(assessment.status, user.role)


MAX_ID = 2**62


class OwnerField(serializers.PrimaryKeyRelatedField):
    """An active user with a role; ids out of range are refused before any query."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class AssessmentCreateSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    due_date = serializers.DateField(required=False, allow_null=True)
    carry_over = serializers.BooleanField(default=True)


class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = Answer
        fields = ["item", "value", "comment", "carried_over", "revision", "updated_at"]
        read_only_fields = fields


class AnswerWriteSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True,
        help_text="yes/partial/no/na, a choice value, a list of choice values, a number, "
        "an ISO date or text, by the item's answer type; null clears the answer.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**31,
        help_text="The revision you last read; a save over a newer one is refused with 409.",
    )


class ActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class FindingSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    owner = OwnerField(
        queryset=get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct(),
        allow_null=True,
        required=False,
    )
    status_label = LabelField(source="status")

    class Meta:
        model = Finding
        fields = [
            "id",
            "assessment",
            "vendor",
            "item",
            "severity",
            "value",
            "unanswered",
            "status",
            "status_label",
            "owner",
            "due_date",
            "remediation_plan",
            "closing_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "assessment",
            "vendor",
            "severity",
            "value",
            "unanswered",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "remediation_plan": {"max_length": 5000},
            "closing_note": {"max_length": 5000},
        }


class ReportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "assessment",
            "language",
            "status",
            "draft",
            "size",
            "page_count",
            "sha256",
            "error",
            "requested_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, report) -> str | None:
        if not report.is_downloadable:
            return None
        return f"/api/v1/reports/{report.pk}/download/"


class ReportRequestSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES])


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = [
            "code",
            "answer_type",
            "weight",
            "critical",
            "allow_na",
            "required",
            "question_ja",
            "question_en",
            "choices",
            "thresholds",
            "condition",
        ]


class SectionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["code", "title_ja", "title_en", "weight", "items"]


class ChecklistVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistVersion
        fields = ["id", "checklist", "number", "label", "status", "created_at", "published_at"]


class ChecklistVersionDetailSerializer(ChecklistVersionSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(ChecklistVersionSerializer.Meta):
        fields = [*ChecklistVersionSerializer.Meta.fields, "sections"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    token_prefix = serializers.CharField()
    token_scope = serializers.ChoiceField(choices=["read", "write"])
    token_expires_at = serializers.DateTimeField(allow_null=True)
