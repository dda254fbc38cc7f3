"""Rules the database holds for assessments, the scoring policy and findings."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import Assessment, Finding, ScoringPolicy
from tests.factories import AssessmentFactory, FindingFactory, VendorFactory

pytestmark = pytest.mark.django_db


def refused(write):
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("rating", ["", "A", "E"])
def test_an_assessment_rating_is_empty_or_a_to_e(rating):
    assessment = AssessmentFactory()
    Assessment.objects.filter(pk=assessment.pk).update(rating=rating)


def test_the_database_refuses_a_rating_outside_a_to_e():
    assessment = AssessmentFactory()
    assert refused(lambda: Assessment.objects.filter(pk=assessment.pk).update(rating="F"))
    assert [label for _, label in Assessment._meta.get_field("rating").choices] == list("ABCDE")
    assessment.rating = "F"
    with pytest.raises(ValidationError) as refusal:
        assessment.full_clean()
    assert "rating" in refusal.value.error_dict


def test_there_is_one_scoring_policy_row():
    policy = ScoringPolicy.current()
    assert policy.pk == 1 and ScoringPolicy.current() == policy
    assert refused(lambda: ScoringPolicy.objects.create(pk=2))
    assert refused(lambda: ScoringPolicy.objects.filter(pk=1).update(critical_cap="F"))
    assert ScoringPolicy.objects.count() == 1


def test_a_finding_takes_its_vendor_from_its_assessment():
    assessment = AssessmentFactory()
    finding = FindingFactory(assessment=assessment)
    assert finding.vendor == assessment.vendor
    assert Finding.objects.get(pk=finding.pk).vendor_id == assessment.vendor_id


def test_a_finding_for_another_vendor_is_refused():
    assessment = AssessmentFactory()
    elsewhere = VendorFactory()
    item = assessment.version.items.get(code="CON-01")
    stray = Finding(assessment=assessment, vendor=elsewhere, item=item, severity="high", value=0)
    with pytest.raises(ValidationError) as refusal:
        stray.full_clean()
    assert "vendor" in refusal.value.error_dict
    with pytest.raises(ValidationError):
        stray.save()
    assert not Finding.objects.exists()
    finding = FindingFactory(assessment=assessment)
    finding.vendor = elsewhere
    with pytest.raises(ValidationError):
        finding.save()
    # A save of other fields leaves the vendor alone.
    finding.refresh_from_db()
    finding.status = Finding.Status.PLANNED
    finding.save(update_fields=["status"])
    assert Finding.objects.get(pk=finding.pk).vendor_id == assessment.vendor_id
