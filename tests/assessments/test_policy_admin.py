"""Admins keep the scoring policy in the Django admin; bad values are refused."""

import pytest
from django.urls import reverse

from assessments.models import ScoringPolicy


@pytest.fixture
def policy(db):
    return ScoringPolicy.current()


def _form(policy, **changes):
    data = {
        "bands": '[[85, "A"], [70, "B"], [55, "C"], [40, "D"]]',
        "critical_cap": "D",
        "residual_matrix": (
            '{"1": {"A": "medium", "B": "medium", "C": "high", "D": "critical", "E": "critical"},'
            ' "2": {"A": "low", "B": "medium", "C": "medium", "D": "high", "E": "critical"},'
            ' "3": {"A": "low", "B": "low", "C": "medium", "D": "medium", "E": "high"}}'
        ),
        "reassessment_months": '{"critical": 3, "high": 6, "medium": 12, "low": 24}',
        "finding_due_days": '{"critical": 30, "high": 60, "medium": 90, "low": 180}',
    }
    data.update(changes)
    return data


def test_admin_role_edits_the_policy(client, admin_user, policy):
    client.force_login(admin_user)
    url = reverse("admin:assessments_scoringpolicy_change", args=[policy.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(policy, critical_cap="C"))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.critical_cap == "C"


def test_admin_sets_the_days_a_finding_has_by_severity(client, admin_user, policy):
    client.force_login(admin_user)
    url = reverse("admin:assessments_scoringpolicy_change", args=[policy.pk])
    days = '{"critical": 14, "high": 30, "medium": 60, "low": 120}'
    assert client.post(url, _form(policy, finding_due_days=days)).status_code == 302
    policy.refresh_from_db()
    assert policy.finding_due_days == {"critical": 14, "high": 30, "medium": 60, "low": 120}


@pytest.mark.parametrize(
    "changes",
    [
        {"bands": '[[40, "A"], [70, "B"], [55, "C"], [85, "D"]]'},  # not descending
        {"reassessment_months": '{"critical": 0, "high": 6, "medium": 12, "low": 24}'},
        {"residual_matrix": '{"1": {"A": "low"}}'},
        {"finding_due_days": '{"critical": 90, "high": 60, "medium": 90, "low": 180}'},
    ],
)
def test_invalid_policy_is_refused_with_a_message(client, admin_user, policy, changes):
    client.force_login(admin_user)
    url = reverse("admin:assessments_scoringpolicy_change", args=[policy.pk])
    response = client.post(url, _form(policy, **changes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.bands == [[85, "A"], [70, "B"], [55, "C"], [40, "D"]]


def test_managers_cannot_change_the_policy(client, manager, policy):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    url = reverse("admin:assessments_scoringpolicy_change", args=[policy.pk])
    assert client.get(url).status_code == 403


def test_a_policy_added_in_the_admin_is_the_one_row(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12)
    ScoringPolicy.current().delete()  # a key sequence that has moved on (SQLite's does)
    client.force_login(root)
    response = client.post(reverse("admin:assessments_scoringpolicy_add"), _form(None))
    assert response.status_code == 302
    assert list(ScoringPolicy.objects.values_list("pk", flat=True)) == [1]
