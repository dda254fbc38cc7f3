"""Assessment workflow, answers with conflict detection, carry-over and access."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from accounts import roles
from assessments import workflow
from assessments.access import assessments_visible_to, get_assessment_for_user
from assessments.models import Assessment
from assessments.services import AnswerConflict, apply_action, save_answer, start_assessment
from questionnaires.checklists import install_default_checklist
from vendors.models import Vendor

S = Assessment.Status
P, M, A = roles.PROCUREMENT, roles.MANAGER, roles.ADMIN

# (role, status, action) -> resulting status, or None when refused. Every combination not
# listed here must be refused.
ALLOWED = {
    (P, S.DRAFT, "start"): S.IN_PROGRESS,
    (P, S.IN_PROGRESS, "submit"): S.SUBMITTED,
    (M, S.SUBMITTED, "begin_review"): S.IN_REVIEW,
    (M, S.SUBMITTED, "return"): S.IN_PROGRESS,
    (M, S.IN_REVIEW, "return"): S.IN_PROGRESS,
    (M, S.IN_REVIEW, "approve"): S.APPROVED,
}


@pytest.mark.parametrize("role", [P, M, A, None])
@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", [*workflow.ACTIONS, "delete"])
def test_workflow_matrix(role, status, action):
    assert workflow.target(action, status, role) == ALLOWED.get((role, status, action))


def test_approved_is_a_dead_end_for_everyone():
    for role in (P, M, A):
        assert workflow.available_actions(S.APPROVED, role) == []


@pytest.fixture
def version(db):
    return install_default_checklist()


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社テスト", owner=staff)


@pytest.fixture
def assessment(vendor, staff, manager, version):
    return start_assessment(vendor, user=staff, reviewer=manager)


def test_assessment_starts_on_the_published_version(assessment, version):
    assert assessment.version == version
    assert assessment.status == S.DRAFT


def test_used_version_cannot_be_deleted(assessment, version):
    with pytest.raises(ValidationError):
        version.delete()


def test_first_answer_starts_the_assessment(assessment, version, staff):
    item = version.items.get(code="CON-01")
    answer = save_answer(assessment, item, value="yes", user=staff)
    assert answer.revision == 1
    assessment.refresh_from_db()
    assert assessment.status == S.IN_PROGRESS


def test_stale_save_is_refused_and_shows_both_values(assessment, version, staff, other_staff):
    item = version.items.get(code="CON-01")
    first = save_answer(assessment, item, value="yes", user=staff)
    # Both load revision 1; the other person saves "no" first.
    save_answer(assessment, item, value="no", base_revision=first.revision, user=other_staff)
    with pytest.raises(AnswerConflict) as conflict:
        save_answer(assessment, item, value="partial", base_revision=first.revision, user=staff)
    assert conflict.value.mine == "partial"
    assert conflict.value.theirs == "no"
    assert conflict.value.theirs_by == other_staff
    assert assessment.answers.get(item=item).value == "no"  # nothing overwritten


def test_full_cycle_with_return_and_lock(assessment, version, staff, manager):
    item = version.items.get(code="CON-01")
    save_answer(assessment, item, value="partial", user=staff)
    with pytest.raises(ValidationError):
        apply_action(assessment, "submit", user=staff, unanswered=["NDA-01"])
    apply_action(assessment, "submit", user=staff)
    with pytest.raises(PermissionDenied):
        save_answer(assessment, item, value="yes", user=staff)  # locked after submission
    with pytest.raises(PermissionDenied):
        apply_action(assessment, "approve", user=staff)  # staff cannot approve
    apply_action(assessment, "begin_review", user=manager)
    with pytest.raises(ValidationError):
        apply_action(assessment, "return", user=manager, comment="  ")
    apply_action(assessment, "return", user=manager, comment="NDAの写しを添付してください")
    assert assessment.review_notes.get().text == "NDAの写しを添付してください"
    save_answer(assessment, item, value="yes", user=staff)
    apply_action(assessment, "submit", user=staff)
    apply_action(assessment, "begin_review", user=manager)
    apply_action(assessment, "approve", user=manager)
    assert assessment.status == S.APPROVED
    assert assessment.approved_by == manager
    with pytest.raises(PermissionDenied):
        save_answer(assessment, item, value="no", user=staff)


def test_reassessment_carries_over_the_last_approved_answers(
    assessment, version, vendor, staff, manager
):
    item = version.items.get(code="CON-01")
    save_answer(assessment, item, value="yes", comment="締結済み", user=staff)
    for action, user in (("submit", staff), ("begin_review", manager), ("approve", manager)):
        apply_action(assessment, action, user=user)
    again = start_assessment(vendor, user=staff)
    carried = again.answers.get(item=item)
    assert (carried.value, carried.comment, carried.carried_over) == ("yes", "締結済み", True)
    confirmed = save_answer(again, item, value="yes", comment="締結済み", user=staff)
    assert confirmed.carried_over is False
    fresh = start_assessment(vendor, user=staff, carry_over=False)
    # Only the scope items the vendor intake answers; nothing carried over.
    assert fresh.answers.filter(carried_over=True).count() == 0
    assert set(fresh.answers.values_list("from_intake", flat=True)) == {True}


def test_access_follows_the_vendor(assessment, staff, other_staff, manager, admin_user):
    for user in (staff, manager, admin_user):
        assert get_assessment_for_user(user, assessment.pk) == assessment
    assert list(assessments_visible_to(other_staff)) == []
    with pytest.raises(Http404):
        get_assessment_for_user(other_staff, assessment.pk)
    with pytest.raises(PermissionDenied):
        get_assessment_for_user(manager, assessment.pk, write=True)
    assert get_assessment_for_user(staff, assessment.pk, write=True) == assessment


@pytest.mark.parametrize("role", [P, M, A, None])
@pytest.mark.parametrize("action", [*workflow.ACTIONS, "delete"])
def test_role_may_is_the_union_of_the_matrix_over_statuses(role, action):
    expected = any((role, status, action) in ALLOWED for status in S.values)
    assert workflow.role_may(action, role) == expected


def test_wrong_moment_is_a_validation_error_and_wrong_role_a_refusal(assessment, staff, manager):
    with translation.override("en"), pytest.raises(ValidationError, match="while the .* “Draft”"):
        apply_action(assessment, "submit", user=staff)
    with pytest.raises(ValidationError):
        apply_action(assessment, "approve", user=manager)
    with pytest.raises(PermissionDenied):
        apply_action(assessment, "begin_review", user=staff)
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_approve_once(staff, manager):
    """The second request waits for the first and is told why it cannot approve; the
    snapshot and its audit entry are written once. Real threads, real row lock."""
    import threading

    from django.db import connection, transaction
    from django.utils import translation as tr

    from tests.conftest import need
    from tests.factories import answer_everything, make_vendor, submit

    if connection.vendor != "postgresql":
        # The in-memory SQLite test database has no waiting locks ("table is locked").
        need("row locks across connections are tested on PostgreSQL (DATABASE_URL)")
    install_default_checklist()
    vendor = make_vendor(staff, "株式会社ダブルクリック")
    assessment = start_assessment(vendor, user=staff, reviewer=manager)
    answer_everything(assessment, staff)
    submit(assessment, staff)
    apply_action(assessment, "begin_review", user=manager)
    stale = Assessment.objects.get(pk=assessment.pk)  # the second tab, loaded before
    outcome = {}

    def second_tab():
        try:
            with tr.override("en"):
                apply_action(stale, "approve", user=manager)
            outcome["second"] = "approved"
        except ValidationError as error:
            outcome["second"] = " ".join(error.messages)
        finally:
            connection.close()

    with transaction.atomic():
        apply_action(assessment, "approve", user=manager)  # holds the row lock
        other = threading.Thread(target=second_tab)
        other.start()
        other.join(timeout=1)
        assert other.is_alive()  # waiting for the lock, not approving on a stale status
    other.join(timeout=30)
    assert "while the assessment is “Approved”" in outcome["second"]
    updates = LogEntry.objects.get_for_object(assessment).filter(action=LogEntry.Action.UPDATE)
    assert sum("approved_at" in e.changes_dict for e in updates) == 1


def test_a_first_answer_on_a_stale_draft_does_not_fail(assessment, version, staff, other_staff):
    """Two people give their first answers from pages loaded while it was a draft."""
    stale = Assessment.objects.get(pk=assessment.pk)
    save_answer(assessment, version.items.get(code="CON-01"), value="yes", user=staff)
    answer = save_answer(stale, version.items.get(code="CON-02"), value="no", user=other_staff)
    assert answer.value == "no"
    assert stale.status == S.IN_PROGRESS
    assessment.refresh_from_db()
    assert assessment.status == S.IN_PROGRESS
