"""Test data for every app: factory_boy factories for users, vendors, assessments,
answers, findings and reports, one helper that answers a whole assessment, and the
workflow steps around it. The fixed cast of users comes from tests/conftest.py.

Assessments made by the helpers below go through the real services (start, submit,
begin review, approve), so the score hooks run exactly as in production; only the
answers may be written in one insert.
"""

import random
from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from accounts.models import User
from assessments import services
from assessments.demo import demo_answer
from assessments.models import Answer, Assessment, Finding
from questionnaires.checklists import current_version, install_default_checklist
from reports.models import Report
from vendors import risk
from vendors.models import Certification, Contact, Contract, Tag, Vendor

# The smallest file every upload check takes for a PDF.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="証跡.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- Users and vendors ---------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or roles.PROCUREMENT))


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"株式会社テスト{n:04d}")
    name_kana = factory.Sequence(lambda n: f"テスト{n:04d}")
    name_en = factory.Sequence(lambda n: f"Test {n:04d} Co., Ltd.")
    record_volume = risk.VOLUME_NONE
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def assigned(self, create, extracted, **kwargs):
        if create and extracted:
            self.assigned_staff.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set([Tag.objects.get_or_create(name=n)[0] for n in extracted])


TIER_INTAKE = {
    1: {"personal_data": True, "sensitive_data": True},
    2: {"personal_data": True},
    3: {},
}


def make_vendor(owner, name, *, tier=3, **fields):
    """A vendor whose intake answers give inherent-risk ``tier``."""
    return Vendor.objects.create(name=name, owner=owner, **TIER_INTAKE[tier], **fields)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    vendor = factory.SubFactory(VendorFactory)
    name = "山田 太郎"
    email = "security@example.com"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    vendor = factory.SubFactory(VendorFactory)
    kind = Certification.Kind.ISO27001
    registration_number = factory.Sequence(lambda n: f"IS {n:05d}")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    vendor = factory.SubFactory(VendorFactory)
    kind = Contract.Kind.NDA
    title = "秘密保持契約書"
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


# --- Assessments, answers, findings, reports -------------------------------------------------


def published_version():
    """The published checklist version, installing the shipped checklist if there is none."""
    return current_version() or install_default_checklist()


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A bare assessment row; ``services.start_assessment`` is the way in for workflow
    tests (carry-over and all)."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    version = factory.LazyFunction(published_version)
    created_by = factory.SelfAttribute("vendor.owner")

    @factory.post_generation
    def assessors(self, create, extracted, **kwargs):
        if create:
            self.assessors.set(extracted if extracted is not None else [self.vendor.owner])


def _item(assessment, code):
    return assessment.version.items.get(code=code)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer
        exclude = ("code",)

    assessment = factory.SubFactory(AssessmentFactory)
    code = "CON-01"
    item = factory.LazyAttribute(lambda a: _item(a.assessment, a.code))
    value = factory.LazyAttribute(lambda a: full_marks(a.item))
    updated_by = factory.SelfAttribute("assessment.vendor.owner")
    revision = 1


class FindingFactory(factory.django.DjangoModelFactory):
    """A finding; its vendor is its assessment's (Finding.save sets it)."""

    class Meta:
        model = Finding
        exclude = ("code",)

    assessment = factory.SubFactory(AssessmentFactory)
    code = "CON-01"
    item = factory.LazyAttribute(lambda f: _item(f.assessment, f.code))
    severity = Finding.Severity.HIGH
    value = 0.0


class ReportFactory(factory.django.DjangoModelFactory):
    """A report of the assessment's current state; ``ready=True`` stores a PDF with it."""

    class Meta:
        model = Report

    class Params:
        ready = factory.Trait(
            status=Report.Status.READY,
            page_count=1,
            size=factory.LazyAttribute(lambda r: len(r.content)),
            finished_at=factory.LazyFunction(timezone.now),
            file=factory.LazyAttribute(lambda r: ContentFile(r.content, name="x.pdf")),
        )
        content = b"%PDF-1.7\n%%EOF\n"

    assessment = factory.SubFactory(AssessmentFactory)
    language = "ja"
    requested_by = factory.SelfAttribute("assessment.vendor.owner")
    fingerprint = factory.LazyAttribute(
        lambda r: _fingerprint(r.assessment, r.language),
    )


def _fingerprint(assessment, language):
    from reports import content

    return content.fingerprint(assessment, language)


# --- Answering a whole assessment -------------------------------------------------------------


def full_marks(item):
    """An answer worth full marks (or just an answer, for unscored items)."""
    kind = item.answer_type
    if kind == "yes_no":
        return "yes"
    if kind == "ipa_scale":
        return "done"
    if kind == "single_choice":
        return max(item.choices, key=lambda c: c["score"])["value"]
    if kind == "multi_choice":
        chosen, total = [], 0.0
        for choice in sorted(item.choices, key=lambda c: -c["score"]):
            if total >= 1:
                break
            chosen.append(choice["value"])
            total += choice["score"]
        return chosen
    if kind == "number":
        return item.thresholds["full"]
    if kind == "date":
        return "2030-03-31"
    return "記述回答"


def answer_everything(
    assessment, user, overrides=None, *, skip=(), comment="", text="記述回答", one_by_one=False
):
    """Start the assessment and answer every item with full marks, but for ``overrides``
    ({code: value}) and the codes in ``skip`` (left unanswered). Text items get ``text``;
    ``comment`` may name the item as ``{code}``.

    The answers are written in one insert, or with ``one_by_one`` through
    ``services.save_answer`` as a person saving each would (revisions, audit entries).
    """
    overrides = overrides or {}
    assessment.refresh_from_db(fields=["status"])  # a page may have started it meanwhile
    if assessment.status == Assessment.Status.DRAFT:
        services.apply_action(assessment, "start", user=user)
    answers = []
    # Scope items answered from the vendor intake at the start are answered again here
    # (or left unanswered when skipped), as a person would.
    assessment.answers.filter(from_intake=True, item__code__in=skip).delete()
    for item in assessment.version.items.all():
        if item.code in skip:
            continue
        value = overrides.get(item.code, text if item.answer_type == "text" else full_marks(item))
        note = comment.format(code=item.code)
        if one_by_one:
            services.save_answer(assessment, item, value=value, comment=note, user=user)
        else:
            answers.append(
                Answer(
                    assessment=assessment,
                    item=item,
                    value=value,
                    comment=note,
                    updated_by=user,
                    revision=1,
                )
            )
    Answer.objects.bulk_create(
        answers,
        update_conflicts=True,
        unique_fields=["assessment", "item"],
        update_fields=["value", "comment", "updated_by", "revision", "from_intake"],
    )
    return assessment


def answer_like_demo(assessment, user, *, quality, hours, subcontracts, seed):
    """Realistic answers, as `seed_demo` gives them."""
    rng = random.Random(seed)
    items = list(assessment.version.items.all())
    overrides = {i.code: demo_answer(i, rng, quality, hours, subcontracts) for i in items}
    return answer_everything(assessment, user, overrides)


def submit(assessment, staff):
    return services.apply_action(assessment, "submit", user=staff)


def approve(assessment, manager, comment="", *, conclusion="adopt", conditions=""):
    services.apply_action(assessment, "begin_review", user=manager)
    return services.apply_action(
        assessment,
        "approve",
        user=manager,
        comment=comment,
        conclusion=conclusion,
        conditions=conditions,
    )


def approved_assessment(vendor, staff, manager, overrides=None, *, skip=()):
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_everything(assessment, staff, overrides, skip=skip)
    submit(assessment, staff)
    return approve(assessment, manager)


# --- Incidents -----------------------------------------------------------------------------


def make_incident(vendor, user=None, *, contact=None, **fields):
    """An incident recorded through the real service (revision, first step, reassessment
    date), by staff or by a vendor contact."""
    from incidents import services as incident_services

    values = {"title": "誤送信による漏えい", "description": "顧客名簿を誤って送信した。"}
    if contact is None:
        values["aware_at"] = timezone.now()
    values.update(fields)
    return incident_services.record_incident(vendor=vendor, user=user, contact=contact, **values)
