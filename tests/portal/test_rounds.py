"""Delegation, the clarification round trip and the remediation round trip."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from assessments.models import Answer, Finding
from portal import services
from portal.models import AnswerReview, Invitation, RemediationProposal
from tests.factories import approved_assessment

from .conftest import LINK, open_portal

pytestmark = pytest.mark.django_db


def _link_to(address):
    message = next(m for m in reversed(mail.outbox) if address in m.to[0] and LINK.search(m.body))
    return LINK.search(message.body).group(0).rstrip("/").rsplit("/", 1)[1]


def test_delegation_makes_a_child_invitation_for_one_section(portal, invited, client, staff):
    response = portal.post(
        "/portal/delegate/",
        {"section": "INC", "name": "佐藤 花子", "email": "sato@portal.example", "message": ""},
    )
    assert response.status_code == 302
    child = Invitation.objects.get(parent=invited[0])
    assert child.sections == ["INC"]
    assert child.contact.email == "sato@portal.example"
    assert child.contact.vendor == invited[0].assessment.vendor  # a new contact of the vendor
    colleague = open_portal(_link_to("sato@portal.example"), email="sato@portal.example")
    assert colleague.get("/portal/sections/INC/").status_code == 200
    assert colleague.get("/portal/sections/CON/").status_code == 404
    assert colleague.get("/portal/delegate/").status_code == 403  # no further delegation
    colleague.post("/portal/items/INC-02/answer/", {"value": "yes", "revision": 0})
    answer = Answer.objects.get(assessment=invited[0].assessment, item__code="INC-02")
    assert answer.answered_by_contact == child.contact
    # Staff see it on the assessment page.
    client.force_login(staff)
    page = client.get(f"/assessments/{invited[0].assessment_id}/").content.decode()
    assert "佐藤 花子" in page and "山田 太郎から委任" in page
    # The delegating contact revokes it.
    portal.post(f"/portal/delegations/{child.pk}/revoke/")
    assert colleague.get("/portal/").status_code == 410
    child.refresh_from_db()
    assert child.status == Invitation.Status.REVOKED


def test_staff_can_revoke_a_delegation_too(portal, invited, client, staff):
    portal.post(
        "/portal/delegate/",
        {"section": "CON", "name": "佐藤 花子", "email": "sato@portal.example"},
    )
    child = Invitation.objects.get(parent=invited[0])
    client.force_login(staff)
    assert client.post(f"/invitations/{child.pk}/revoke/", {"confirmed": "1"}).status_code == 302
    child.refresh_from_db()
    assert child.revoked_at is not None
    invited[0].refresh_from_db()
    assert invited[0].revoked_at is None


def test_a_contact_cannot_revoke_someone_elses_delegation(portal, invited, assessment, staff):
    other, _token = services.invite(
        assessment, user=staff, email="other@portal.example", sections=["SUB"]
    )
    assert portal.post(f"/portal/delegations/{other.pk}/revoke/").status_code == 404


def test_clarification_round_trip(portal, invited, assessment, client, staff, media):
    from .test_answering import _answer_scope

    _answer_scope(assessment, invited[0])
    portal.post("/portal/submit/")
    client.force_login(staff)
    review = client.get(f"/assessments/{assessment.pk}/review/")
    assert review.status_code == 200 and "委託先が回答：山田 太郎" in review.content.decode()
    client.post(
        f"/assessments/{assessment.pk}/review/CON-01/",
        {"verdict": "ask", "text": "締結日を教えてください"},
    )
    client.post(f"/assessments/{assessment.pk}/review/CON-02/", {"verdict": "accept"})
    # Not sent yet: the vendor sees nothing and is still locked.
    assert "締結日を教えてください" not in portal.get("/portal/sections/CON/").content.decode()
    before = len(mail.outbox)
    client.post(f"/assessments/{assessment.pk}/review/return/")
    returned = mail.outbox[before]
    assert returned.subject == "[DueDiligence] ご回答についてのご質問"
    assert "締結日" not in returned.subject + returned.body  # the detail stays in the portal
    invited[0].refresh_from_db()
    assert invited[0].submitted_at is None  # open again for the vendor
    page = portal.get("/portal/sections/CON/").content.decode()
    assert "締結日を教えてください" in page and "依頼元の会社" in page
    thread = AnswerReview.objects.get(assessment=assessment, item__code="CON-01")
    portal.post(f"/portal/questions/{thread.pk}/reply/", {"text": "2024年4月1日です"})
    thread.refresh_from_db()
    assert thread.status == AnswerReview.Status.ANSWERED
    portal.post(
        "/portal/items/CON-01/answer/", {"value": "yes", "revision": 1, "comment": "2024-04-01締結"}
    )
    assert portal.post("/portal/submit/").status_code == 302
    invited[0].refresh_from_db()
    assert invited[0].submitted_at is not None
    page = client.get(f"/assessments/{assessment.pk}/review/").content.decode()
    assert "2024年4月1日です" in page
    client.post(f"/assessments/{assessment.pk}/review/CON-01/", {"verdict": "accept"})
    thread.refresh_from_db()
    assert thread.status == AnswerReview.Status.ACCEPTED
    # Staff may still change an answer: it is then theirs.
    client.post(
        f"/assessments/{assessment.pk}/items/CON-03/answer/", {"value": "no", "revision": 1}
    )
    row = Answer.objects.get(assessment=assessment, item__code="CON-03")
    assert row.updated_by == staff and row.answered_by_contact is None


def test_remediation_round_trip(vendor, contact, staff, manager, checklist, client, media):
    assessment = approved_assessment(vendor, staff, manager, {"CON-01": "no", "TRN-01": "no"})
    finding = Finding.objects.get(assessment=assessment, item__code="CON-01")
    invitation, token = services.invite(
        assessment, user=staff, contact=contact, kind=Invitation.Kind.REMEDIATION
    )
    assert mail.outbox[-1].subject == "[DueDiligence] 指摘事項の是正計画のお願い"
    vendor_client = open_portal(token, email=contact.email)
    home = vendor_client.get("/portal/").content.decode()
    assert finding.item.question[:20] in home
    assert vendor_client.get("/portal/sections/CON/").status_code == 404
    target = timezone.localdate() + timedelta(days=60)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = vendor_client.post(
        f"/portal/findings/{finding.pk}/",
        {
            "plan": "NDAを締結します",
            "target_date": target.isoformat(),
            "evidence": SimpleUploadedFile("nda-draft.pdf", b"%PDF-1.4 draft", "application/pdf"),
        },
    )
    assert response.status_code == 302
    proposal = RemediationProposal.objects.get(finding=finding)
    assert proposal.evidence.count() == 1
    # Staff reject it with a note, the vendor proposes again, staff accept.
    client.force_login(staff)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "NDAを締結します" in page and "nda-draft.pdf" in page
    assert (
        client.post(f"/proposals/{proposal.pk}/decide/", {"verdict": "reject"}).status_code == 302
    )
    proposal.refresh_from_db()
    assert proposal.status == "proposed"  # a rejection needs a note
    client.post(f"/proposals/{proposal.pk}/decide/", {"verdict": "reject", "note": "期日が遅い"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert "期日が遅い" in vendor_client.get(f"/portal/findings/{finding.pk}/").content.decode()
    sooner = timezone.localdate() + timedelta(days=30)
    vendor_client.post(
        f"/portal/findings/{finding.pk}/", {"plan": "来月NDAを締結", "target_date": sooner}
    )
    second = RemediationProposal.objects.get(finding=finding, status="proposed")
    client.post(f"/proposals/{second.pk}/decide/", {"verdict": "accept"})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PLANNED
    assert finding.due_date == sooner
    assert finding.remediation_plan == "来月NDAを締結"
    # Accepting risk stays with managers; the vendor never sees that choice.
    assert "リスク受容" not in vendor_client.get(f"/portal/findings/{finding.pk}/").content.decode()
    response = client.post(
        f"/findings/{finding.pk}/",
        {"status": "accepted", "closing_note": "x", "due_date": "", "remediation_plan": ""},
    )
    assert response.status_code == 403


def test_a_questionnaire_invitation_waits_for_an_open_assessment(
    vendor, staff, manager, checklist, media
):
    from django.core.exceptions import ValidationError

    assessment = approved_assessment(vendor, staff, manager)
    with pytest.raises(ValidationError):
        services.invite(assessment, user=staff, email="x@portal.example")
    with pytest.raises(ValidationError):  # nothing to remediate
        services.invite(
            assessment, user=staff, email="x@portal.example", kind=Invitation.Kind.REMEDIATION
        )


def test_another_invitation_cannot_be_reached_from_a_session(portal, assessment, staff):
    other, _token = services.invite(assessment, user=staff, email="b@portal.example")
    assert portal.get(f"/portal/delegations/{other.pk}/revoke/").status_code == 405
    assert portal.post(f"/portal/delegations/{other.pk}/revoke/").status_code == 404
    assert Client().get("/portal/").status_code == 403
