"""Staff and vendor change the same answer at once: the stale save is refused and both
values are shown, as between two staff members."""

import threading

import pytest
from django.db import connection

from assessments import services as assessment_services
from assessments.models import Answer
from portal import services

from .conftest import open_portal


@pytest.mark.django_db
def test_a_stale_vendor_save_after_staff_changed_it_shows_both(portal, assessment, staff):
    portal.post("/portal/items/CON-01/answer/", {"value": "yes", "revision": 0})
    # Staff change it while the vendor's page still shows revision 1.
    item = assessment.version.items.get(code="CON-01")
    assessment_services.save_answer(assessment, item, value="no", base_revision=1, user=staff)
    response = portal.post("/portal/items/CON-01/answer/", {"value": "partial", "revision": 1})
    assert response.status_code == 422
    text = response.content.decode()
    assert "依頼元の会社が「いいえ」を保存しました" in text or "依頼元の会社" in text
    assert "いいえ" in text  # theirs
    assert 'value="partial" checked' in text  # mine, kept
    assert str(staff) not in text  # our staff stay nameless
    assert Answer.objects.get(assessment=assessment, item=item).value == "no"


@pytest.mark.django_db
def test_a_stale_staff_save_after_the_vendor_changed_it_shows_both(
    portal, assessment, client, staff
):
    client.force_login(staff)
    url = f"/assessments/{assessment.pk}/items/CON-01/answer/"
    client.post(url, {"value": "yes", "revision": 0})
    portal.post("/portal/items/CON-01/answer/", {"value": "no", "revision": 1})
    response = client.post(url, {"value": "partial", "revision": 1})
    assert response.status_code == 422
    text = response.content.decode()
    assert "山田 太郎" in text and "いいえ" in text
    assert Answer.objects.get(assessment=assessment, item__code="CON-01").value == "no"


@pytest.mark.django_db(transaction=True)
def test_staff_and_vendor_saving_at_the_same_moment_one_wins(
    checklist, vendor, contact, staff, manager, media
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    invitation, token = services.invite(assessment, user=staff, contact=contact)
    open_portal(token, email=contact.email)
    invitation.refresh_from_db()
    item = assessment.version.items.get(code="CON-01")
    assessment_services.save_answer(assessment, item, value="partial", user=staff)
    barrier = threading.Barrier(2)
    outcomes = {}

    def run(name, save):
        barrier.wait()
        try:
            save()
            outcomes[name] = "saved"
        except assessment_services.AnswerConflict as conflict:
            outcomes[name] = ("conflict", conflict.theirs)
        finally:
            connection.close()

    staff_thread = threading.Thread(
        target=run,
        args=(
            "staff",
            lambda: assessment_services.save_answer(
                assessment, item, value="yes", base_revision=1, user=staff
            ),
        ),
    )
    vendor_thread = threading.Thread(
        target=run,
        args=(
            "vendor",
            lambda: services.save_answer(invitation, item, value="no", comment="", base_revision=1),
        ),
    )
    for thread in (staff_thread, vendor_thread):
        thread.start()
    for thread in (staff_thread, vendor_thread):
        thread.join(30)
    assert sorted(map(str, outcomes.values())).count("saved") == 1, outcomes
    row = Answer.objects.get(assessment=assessment, item=item)
    winner = "staff" if outcomes["staff"] == "saved" else "vendor"
    loser = "vendor" if winner == "staff" else "staff"
    assert outcomes[loser] == ("conflict", row.value)
    assert row.revision == 2
