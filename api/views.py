"""The REST API. Every object is found through the web's access helpers and selectors
(vendors.access, assessments.access, reports.access) and changed through the apps'
services, so the API can do exactly what its token's owner could do in the browser."""

from urllib.parse import quote

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.events import client_address
from accounts.models import ApiToken
from assessments import services as assessment_services
from assessments import workflow
from assessments.access import (
    assessments_visible_to,
    can_accept_risk,
    findings_visible_to,
    get_assessment_for_user,
    get_finding_for_user,
)
from assessments.answers import AnswerError, parse_answer, parse_comment
from assessments.evaluation import evaluate
from assessments.findings import update_finding
from assessments.models import Finding
from questionnaires.checklists import export_yaml
from questionnaires.models import ChecklistVersion, Item
from reports import services as report_services
from reports.access import get_report_for_user, reports_visible_to
from vendors import services as vendor_services
from vendors.access import get_vendor_for_user, vendors_visible_to
from vendors.models import Certification, Contract, Vendor

from . import audit, examples, filters, serializers
from .problems import Conflict, caller_language


class ApiMixin:
    """The caller's language, and the audit marking of changes made through the API."""

    lookup_value_regex = r"[0-9]{1,18}"

    def dispatch(self, request, *args, **kwargs):
        language = caller_language(request)
        with translation.override(language), audit.api_request() as holder:
            self._audit = holder
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = language
            if isinstance(response, Response):
                # Render while the caller's language is active (lazy labels, messages).
                response.render()
            return response

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            # Problems are JSON even where the client asked for the PDF or the YAML.
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/problem+json"
        return super().finalize_response(request, response, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiToken):
            audit.mark(
                self._audit,
                user=request.user,
                token=request.auth,
                remote_addr=client_address(request._request),
            )


class BinaryRenderer(renderers.BaseRenderer):
    """Lets a client ask for the PDF or YAML by its type; errors still come as JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PdfRenderer(BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class YamlRenderer(BinaryRenderer):
    media_type = "application/yaml"
    format = "yaml"


@extend_schema(tags=["me"], responses=serializers.MeSerializer, examples=examples.ME)
class MeView(ApiMixin, APIView):
    """Who the token belongs to, their role and the token's scope."""

    def get(self, request):
        token = request.auth
        return Response(
            serializers.MeSerializer(
                {
                    "username": request.user.username,
                    "role": request.user.role,
                    "token_prefix": token.prefix,
                    "token_scope": token.scope,
                    "token_expires_at": token.expires_at,
                }
            ).data
        )


# Vendors


@extend_schema_view(
    list=extend_schema(tags=["vendors"], examples=examples.VENDOR_LIST),
    retrieve=extend_schema(tags=["vendors"], examples=examples.VENDOR),
    create=extend_schema(
        tags=["vendors"],
        examples=examples.VENDOR_WRITE,
        responses={201: serializers.VendorSerializer},
    ),
    partial_update=extend_schema(tags=["vendors"], examples=examples.VENDOR_WRITE),
)
class VendorViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Vendors the token's owner may see (vendors.access.vendors_visible_to)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = filters.VendorFilter
    ordering_fields = ["name", "name_kana", "inherent_tier", "created_at", "updated_at", "id"]
    ordering = ["name_kana", "name", "id"]

    def get_serializer_class(self):
        return (
            serializers.VendorListSerializer
            if self.action == "list"
            else serializers.VendorSerializer
        )

    def get_queryset(self):
        certifications = Prefetch(
            "certifications", queryset=Certification.objects.order_by("kind", "valid_until")
        )
        queryset = vendors_visible_to(self.request.user).prefetch_related(certifications)
        if self.action != "list":
            queryset = queryset.prefetch_related("contacts", "contracts")
        return queryset

    def get_object(self):
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_vendor_for_user(
            self.request.user,
            self.kwargs["pk"],
            write=write,
            queryset=Vendor.objects.prefetch_related("certifications", "contacts", "contracts"),
        )

    def _save(self, serializer, vendor=None):
        data = dict(serializer.validated_data)
        categories = data.pop("category_list", None)
        contacts = data.pop("contacts", None)
        removed = ()
        if vendor is None and any(c.get("id") for c in contacts or ()):
            raise ValidationError({"contacts": _("Unknown contact id.")})
        if contacts is not None and vendor is not None:
            known = set(vendor.contacts.values_list("pk", flat=True))
            given = {c["id"] for c in contacts if c.get("id")}
            if not given <= known:
                raise ValidationError({"contacts": _("Unknown contact id.")})
            removed = known - given
        contacts = [
            {
                **{k: v for k, v in c.items() if k != "id"},
                **({"pk": c["id"]} if c.get("id") else {}),
            }
            for c in contacts or ()
        ]
        if categories is None:
            categories = vendor.category_list if vendor else ()
        with transaction.atomic():
            vendor = vendor_services.save_vendor(
                user=self.request.user,
                vendor=vendor,
                categories=categories,
                tags=list(vendor.tags.values_list("name", flat=True)) if vendor else (),
                contacts=contacts,
                removed_contacts=removed,
                **data,
            )
        return Vendor.objects.prefetch_related("certifications", "contacts", "contracts").get(
            pk=vendor.pk
        )

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("accounts.register_vendors"):
            raise PermissionDenied
        serializer = serializers.VendorSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        vendor = self._save(serializer)
        return Response(serializers.VendorSerializer(vendor).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        vendor = self.get_object()
        serializer = serializers.VendorSerializer(
            vendor, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        return Response(serializers.VendorSerializer(self._save(serializer, vendor)).data)

    def update(self, request, *args, **kwargs):  # PUT is not offered; PATCH is
        raise Http404

    def _add_part(self, request, pk, serializer_class, model, file_attr):
        vendor = get_vendor_for_user(request.user, pk, write=True)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        part = vendor_services.save_part(
            model(),
            vendor=vendor,
            user=request.user,
            file_attr=file_attr,
            **serializer.validated_data,
        )
        return Response(serializer_class(part).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["vendors"],
        request=serializers.CertificationSerializer,
        responses={201: serializers.CertificationSerializer},
        examples=examples.CERTIFICATION,
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def certifications(self, request, pk=None):
        """Add a certification (Privacy Mark, ISO/IEC 27001, ...); its evidence file is
        attached on the vendor's page."""
        return self._add_part(
            request, pk, serializers.CertificationSerializer, Certification, "evidence"
        )

    @extend_schema(
        tags=["vendors"],
        request=serializers.ContractSerializer,
        responses={201: serializers.ContractSerializer},
        examples=examples.CONTRACT,
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def contracts(self, request, pk=None):
        """Add a contract (NDA, outsourcing agreement); its file is attached on the
        vendor's page."""
        return self._add_part(request, pk, serializers.ContractSerializer, Contract, "file")


# Assessments and answers


@extend_schema_view(
    list=extend_schema(tags=["assessments"], examples=examples.ASSESSMENT_LIST),
    retrieve=extend_schema(tags=["assessments"], examples=examples.ASSESSMENT),
    create=extend_schema(
        tags=["assessments"],
        request=serializers.AssessmentCreateSerializer,
        responses={201: serializers.AssessmentSerializer},
        examples=examples.ASSESSMENT_CREATE,
    ),
)
class AssessmentViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of the vendors the owner may see (assessments_visible_to)."""

    serializer_class = serializers.AssessmentSerializer
    filterset_class = filters.AssessmentFilter
    ordering_fields = ["created_at", "updated_at", "due_date", "submitted_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return assessments_visible_to(self.request.user)

    def get_object(self):
        return get_assessment_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = serializers.AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        vendor = get_vendor_for_user(request.user, data["vendor"], write=True)
        if not request.user.has_perm("accounts.answer_assessments"):
            raise PermissionDenied
        assessment = assessment_services.start_assessment(
            vendor, user=request.user, due_date=data.get("due_date"), carry_over=data["carry_over"]
        )
        return Response(self.get_serializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["assessments"],
        responses=serializers.AnswerSerializer(many=True),
        examples=examples.ANSWER_LIST,
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def answers(self, request, pk=None):
        """Every answer of the assessment, by item code."""
        assessment = self.get_object()
        answers = assessment.answers.select_related("item").order_by(
            "item__section__position", "item__position"
        )
        return Response(serializers.AnswerSerializer(answers, many=True).data)

    @extend_schema(
        tags=["assessments"],
        request=serializers.AnswerWriteSerializer,
        responses={
            200: serializers.AnswerSerializer,
            409: OpenApiResponse(description="Someone saved a newer revision of this answer."),
        },
        examples=examples.ANSWER_WRITE,
        filters=False,
    )
    @action(
        detail=True,
        methods=["put"],
        url_path=r"answers/(?P<code>[A-Za-z0-9-]{1,13})",
        filter_backends=[],
    )
    def answer(self, request, pk=None, code=None):
        """Save one answer with the web's conflict rule: send the revision you read, and
        a save over a newer revision is refused with 409 and the other value."""
        assessment = get_assessment_for_user(request.user, pk, write=True)
        item = Item.objects.filter(version_id=assessment.version_id, code=code).first()
        if item is None:
            raise Http404
        serializer = serializers.AnswerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            value = parse_answer(item, _as_form(item, data["value"]))
            comment = parse_comment({"comment": data["comment"]})
        except AnswerError as error:
            raise ValidationError({"value": str(error)}) from None
        try:
            answer = assessment_services.save_answer(
                assessment,
                item,
                value=value,
                comment=comment,
                base_revision=data.get("revision"),
                user=request.user,
            )
        except assessment_services.AnswerConflict as conflict:
            raise Conflict(
                _("Someone else changed this answer since you read it."),
                code="answer_conflict",
                extra={
                    "theirs": conflict.theirs,
                    "theirs_by": getattr(conflict.theirs_by, "username", None),
                    "revision": conflict.revision,
                },
            ) from None
        answer.item = item
        return Response(serializers.AnswerSerializer(answer).data)

    @extend_schema(
        tags=["assessments"],
        request=serializers.ActionSerializer,
        responses={
            200: serializers.AssessmentSerializer,
            409: OpenApiResponse(description="The step is not possible now (and why)."),
        },
        examples=examples.ACTION,
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"actions/(?P<name>start|submit|begin_review|return|approve)",
        filter_backends=[],
    )
    def workflow_action(self, request, pk=None, name=None):
        """Take a workflow step: start, submit, begin_review, return (comment required) or
        approve, under the same rules as the web."""
        assessment = get_assessment_for_user(request.user, pk)
        if name not in workflow.ACTIONS:
            raise Http404
        serializer = serializers.ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unanswered = evaluate(assessment).result.unanswered if name == "submit" else ()
        try:
            assessment = assessment_services.apply_action(
                assessment,
                name,
                user=request.user,
                comment=serializer.validated_data["comment"],
                unanswered=unanswered,
            )
        except ValidationError as error:
            raise Conflict(" ".join(error.messages), code="action_refused") from None
        return Response(self.get_serializer(assessment).data)


def _as_form(item, value) -> QueryDict:
    """A JSON answer as the form data assessments.answers.parse_answer reads."""
    data = QueryDict(mutable=True)
    if value is None:
        return data
    if isinstance(value, list):
        if item.answer_type != "multi_choice" or not all(isinstance(v, str) for v in value):
            raise ValidationError({"value": _("Give one value for this item, not a list.")})
        data.setlist("value", value)
        return data
    if isinstance(value, bool | dict):
        raise ValidationError({"value": _("Give the answer as text or a number.")})
    data.setlist("value", [str(value)])
    return data


# Findings


@extend_schema_view(
    list=extend_schema(tags=["findings"], examples=examples.FINDING_LIST),
    retrieve=extend_schema(tags=["findings"], examples=examples.FINDING),
    partial_update=extend_schema(tags=["findings"], examples=examples.FINDING_WRITE),
)
class FindingViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Findings of the vendors the owner may see (findings_visible_to)."""

    http_method_names = ["get", "patch", "head", "options"]
    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilter
    ordering_fields = ["severity_rank", "due_date", "created_at", "updated_at", "id"]
    ordering = ["severity_rank", "id"]

    def get_queryset(self):
        return findings_visible_to(self.request.user).select_related("item")

    def get_object(self):
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_finding_for_user(
            self.request.user,
            self.kwargs["pk"],
            write=write,
            queryset=Finding.objects.select_related("item"),
        )

    def partial_update(self, request, *args, **kwargs):
        finding = self.get_object()
        serializer = self.get_serializer(finding, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("status") == Finding.Status.ACCEPTED and not can_accept_risk(request.user):
            raise PermissionDenied
        owner = data.get("owner", finding.owner)
        if owner is not None and (not owner.is_active or owner.role is None):
            raise ValidationError({"owner": _("Choose an active user with a role.")})
        update_finding(
            finding,
            status=data.get("status", finding.status),
            owner=owner,
            due_date=data.get("due_date", finding.due_date),
            remediation_plan=data.get("remediation_plan", finding.remediation_plan),
            closing_note=data.get("closing_note", finding.closing_note),
        )
        return Response(self.get_serializer(finding).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise Http404
        return self.partial_update(request, *args, **kwargs)


# Reports


@extend_schema_view(
    list=extend_schema(tags=["reports"], examples=examples.REPORT_LIST),
    retrieve=extend_schema(tags=["reports"], examples=examples.REPORT),
    create=extend_schema(
        tags=["reports"],
        request=serializers.ReportRequestSerializer,
        responses={201: serializers.ReportSerializer, 200: serializers.ReportSerializer},
        examples=examples.REPORT_REQUEST,
    ),
)
class ReportViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """PDF reports: ask for one (an unchanged assessment gets its stored PDF), follow
    its status, download it."""

    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter
    ordering_fields = ["requested_at", "finished_at", "id"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return reports_visible_to(self.request.user)

    def get_object(self):
        return get_report_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = serializers.ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not request.user.has_perm("accounts.request_reports"):
            raise PermissionDenied
        assessment = get_assessment_for_user(request.user, data["assessment"])
        with transaction.atomic():
            report, created = report_services.request_report(
                assessment, data["language"], user=request.user
            )
        return Response(
            self.get_serializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=["reports"],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        filters=False,
        examples=examples.REPORT_DOWNLOAD,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def download(self, request, pk=None):
        """The PDF, once the report is ready (404 before); every download is audited."""
        if not request.user.has_perm("accounts.request_reports"):
            raise PermissionDenied
        report = self.get_object()
        if not report.is_downloadable:
            raise Http404
        try:
            handle = report.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        LogEntry.objects.log_create(
            report,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes={"download": [report.file.name, report.sha256]},
        )
        response = FileResponse(handle, content_type="application/pdf")
        name = report.download_name()
        response["Content-Disposition"] = (
            f'attachment; filename="report-{report.pk}.pdf"; '
            f"filename*=UTF-8''{quote(name, safe='')}"
        )
        response["Cache-Control"] = "private, no-store"
        return response


# Checklist versions


@extend_schema_view(
    list=extend_schema(tags=["checklist"], examples=examples.VERSION_LIST),
    retrieve=extend_schema(tags=["checklist"], examples=examples.VERSION),
)
class ChecklistVersionViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Published and retired checklist versions; drafts too for checklist editors."""

    ordering_fields = ["number", "published_at", "id"]
    ordering = ["checklist", "-number"]
    filterset_fields = ["status", "checklist"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ChecklistVersionDetailSerializer
        return serializers.ChecklistVersionSerializer

    def get_queryset(self):
        versions = ChecklistVersion.objects.all()
        if not self.request.user.has_perm("accounts.manage_checklist"):
            versions = versions.exclude(status=ChecklistVersion.Status.DRAFT)
        if self.action == "retrieve":
            versions = versions.prefetch_related("sections__items")
        return versions

    @extend_schema(
        tags=["checklist"],
        responses={(200, "application/yaml"): OpenApiTypes.STR},
        filters=False,
        examples=examples.VERSION_EXPORT,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, YamlRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def export(self, request, pk=None):
        """The version as the YAML document the checklist editor imports (editors only,
        as on the web)."""
        if not request.user.has_perm("accounts.manage_checklist"):
            raise PermissionDenied
        version = self.get_object()
        response = HttpResponse(
            export_yaml(version), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="checklist-v{version.number}.yaml"'
        return response
