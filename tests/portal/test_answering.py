"""The vendor answers its sections only, through the same save_answer as staff; every
answer says who gave it; submitting locks the vendor out until staff send it back."""

import re

import pytest
from auditlog.models import LogEntry
from django.test import Client

from assessments import services as assessment_services
from assessments.models import Answer

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def answer(client, code, value, revision=0, **extra):
    return client.post(
        f"/portal/items/{code}/answer/", {"value": value, "revision": revision, **extra}, **extra
    )


def test_a_vendor_answer_records_the_contact_and_its_address(portal, assessment, contact):
    response = portal.post(
        "/portal/items/CON-01/answer/",
        {"value": "yes", "revision": 0, "comment": "NDA締結済み"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    row = Answer.objects.get(assessment=assessment, item__code="CON-01")
    assert (row.value, row.comment) == ("yes", "NDA締結済み")
    assert row.answered_by_contact == contact
    assert row.updated_by is None
    entry = LogEntry.objects.get_for_object(row).first()
    assert entry.actor is None
    assert entry.actor_email == contact.email
    assert entry.remote_addr == "198.51.100.7"
    portal_entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__portal__action="answer_saved"
    ).get()
    assert portal_entry.remote_addr == "198.51.100.7"
    assert portal_entry.additional_data["portal"]["contact"] == contact.name
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"  # the first answer started it


def test_htmx_autosave_returns_the_item_status_and_the_new_progress_only(portal):
    response = portal.post(
        "/portal/items/CON-01/answer/",
        {"value": "yes", "revision": 0, "comment": "締結済み"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="status-CON-01"')
    assert 'id="section-page"' not in text
    assert "<textarea" not in text and 'name="value"' not in text  # no field is replaced
    oob = set(re.findall(r'\bid="([^"]+)"[^>]*\bhx-swap-oob="true"', text))
    assert oob == {"rev-CON-01", "saved-CON-01", "section-nav", "progress-pill"}
    assert re.search(r'id="rev-CON-01" name="revision" value="1"', text)
    assert re.search(r'data-progress="CON">.*?1/\d+</span>', text, re.S)
    assert "HX-Trigger" in response.headers


def test_a_section_page_links_the_previous_and_next_sections_in_scope(portal):
    page = portal.get("/portal/sections/INC/").content.decode()
    pager = page[page.index('class="section-pager') :]
    # Invited to INC and CON only (in that order): INC leads back to the overview and on
    # to CON, skipping the sections between them that the vendor was not invited to.
    assert 'rel="prev"' not in pager and 'href="/portal/"' in pager
    assert 'rel="next" href="/portal/sections/CON/"' in pager
    page = portal.get("/portal/sections/CON/").content.decode()
    pager = page[page.index('class="section-pager') :]
    assert 'rel="prev" href="/portal/sections/INC/"' in pager
    assert 'rel="next"' not in pager  # the last one: on to the overview and submission


def test_history_shows_staff_and_vendor_answers(portal, assessment, staff, contact, client):
    item = assessment.version.items.get(code="CON-01")
    client.force_login(staff)
    staff_save = f"/assessments/{assessment.pk}/items/CON-01/answer/"
    assert client.post(staff_save, {"value": "no", "revision": 0}).status_code == 302
    portal.post("/portal/items/CON-01/answer/", {"value": "yes", "revision": 1})
    row = Answer.objects.get(assessment=assessment, item=item)
    entries = list(LogEntry.objects.get_for_object(row).order_by("timestamp", "pk"))
    assert {(e.actor, e.actor_email) for e in entries} == {
        (staff, staff.email),
        (None, contact.email),
    }
    assert entries[-1].actor is None and entries[-1].actor_email == contact.email
    history = client.get(f"/vendors/{assessment.vendor.pk}/").content.decode()
    assert "yamada@portal.example (委託先担当者)" in history
    section = client.get(f"/assessments/{assessment.pk}/sections/CON/").content.decode()
    assert "委託先が回答：山田 太郎（yamada@portal.example）" in section
    # Staff change it back: the answer is marked as theirs again.
    assessment_services.save_answer(assessment, item, value="partial", user=staff)
    row.refresh_from_db()
    assert row.answered_by_contact is None and row.updated_by == staff


def test_sections_out_of_scope_are_not_there(portal, assessment):
    assert portal.get("/portal/sections/CON/").status_code == 200
    assert portal.get("/portal/sections/INC/").status_code == 200
    assert portal.get("/portal/sections/SUB/").status_code == 404
    assert answer(portal, "SUB-01", "yes").status_code == 404
    assert not Answer.objects.filter(assessment=assessment, item__code="SUB-01").exists()
    home = portal.get("/portal/").content.decode()
    assert "/portal/sections/SUB/" not in home


def test_nothing_of_our_side_shows(portal, assessment, staff, manager):
    item = assessment.version.items.get(code="CON-02")
    assessment_services.save_answer(assessment, item, value="yes", user=staff)
    text = portal.get("/portal/sections/CON/").content.decode()
    for ours in (
        "/assessments/",
        "/vendors/",
        "スコア",
        "評価ランク",
        "指摘事項",
        "致命的",
        str(manager),
        staff.username,
    ):
        assert ours not in text, ours
    assert "依頼元の会社が変更" in text
    home = portal.get("/portal/").content.decode()
    assert str(staff) in home  # the inviting person, and no one else
    assert str(manager) not in home


def test_a_bad_answer_gets_a_message_and_keeps_what_was_typed(portal):
    response = portal.post("/portal/items/INC-01/answer/", {"value": "すぐ", "revision": 0})
    assert response.status_code == 422
    text = response.content.decode()
    assert "数値を入力してください" in text or "Enter a number" in text
    assert 'value="すぐ"' in text


def test_evidence_goes_through_the_same_checks(portal, assessment, media):
    bad = portal.post(
        "/portal/items/CON-01/evidence/",
        {"file": _upload("malware.pdf", b"MZ\x90\x00 not a pdf")},
        follow=True,
    )
    assert "PDF、PNG、JPEG" in bad.content.decode() or "PDF, PNG" in bad.content.decode()
    good = portal.post(
        "/portal/items/CON-01/evidence/", {"file": _upload("秘密保持契約.pdf", PDF)}, follow=True
    )
    assert "「秘密保持契約.pdf」を添付しました。" in good.content.decode()
    row = Answer.objects.get(assessment=assessment, item__code="CON-01")
    stored = row.evidence.get()
    download = portal.get(f"/portal/files/{stored.pk}/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"


def test_staff_evidence_is_not_shown_or_served_to_the_vendor(portal, assessment, staff, media):
    from vendors.uploads import store_upload

    stored = store_upload(_upload("社内メモ.pdf", PDF), folder="x", user=staff)
    item = assessment.version.items.get(code="CON-01")
    row = assessment_services.save_answer(assessment, item, value="yes", user=staff)
    row.evidence.add(stored)
    assert "社内メモ.pdf" not in portal.get("/portal/sections/CON/").content.decode()
    assert portal.get(f"/portal/files/{stored.pk}/").status_code == 404


def test_submit_needs_the_required_answers_then_locks(portal, invited, assessment):
    response = portal.post("/portal/submit/", follow=True)
    assert "必須の質問すべてに回答してください" in response.content.decode()
    _answer_scope(assessment, invited[0])
    response = portal.post("/portal/submit/", follow=True)
    assert "回答を提出しました" in response.content.decode()
    invited[0].refresh_from_db()
    assert invited[0].status == "submitted"
    refused = answer(portal, "CON-01", "no", revision=1)
    assert refused.status_code == 422
    assert "提出済み" in refused.content.decode()
    assert Answer.objects.get(assessment=assessment, item__code="CON-01").value == "yes"


def test_staff_are_told_of_a_submission(portal, invited, assessment, staff, mailoutbox):
    from notifications import services as notification_services
    from notifications.models import Delivery

    _answer_scope(assessment, invited[0])
    portal.post("/portal/submit/")
    # Through notifications (preferences, digest, never twice), not a direct e-mail.
    (delivery,) = Delivery.objects.filter(kind="portal_vendor_submitted")
    assert delivery.user == staff
    notification_services.send_pending()
    told = [m for m in mailoutbox if staff.email in m.to[0]]
    assert told and "委託先がポータルで回答を提出しました" in told[-1].subject


def test_the_language_is_chosen_and_remembered(portal, invited):
    assert '<html lang="ja">' in portal.get("/portal/").content.decode()
    portal.post("/portal/language/", {"language": "en", "next": "/portal/"})
    invited[0].refresh_from_db()
    assert invited[0].language == "en"
    # Another browser (a new code) still gets English.
    fresh = Client()
    from portal import services

    from .conftest import open_portal

    token = services.resend(invited[0])
    open_portal(token, email=invited[0].contact.email, client=fresh)
    text = fresh.get("/portal/").content.decode()
    assert '<html lang="en">' in text and "Dear 山田 太郎" in text


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _answer_scope(assessment, invitation):
    """Every item of the invitation's sections, through the portal's own service."""
    from portal import services

    for item in assessment.version.items.select_related("section"):
        if invitation.covers(item.section.code):
            value = {"yes_no": "yes", "number": 1, "date": "2030-03-31", "text": "記述"}.get(
                item.answer_type
            )
            if item.answer_type == "single_choice":
                value = item.choices[0]["value"]
            elif item.answer_type == "multi_choice":
                value = [item.choices[0]["value"]]
            services.save_answer(invitation, item, value=value, comment="", base_revision=None)


pytestmark = pytest.mark.django_db


def test_the_audit_log_shows_portal_steps_as_the_contact(portal, contact, manager, client):
    portal.post("/portal/items/CON-01/answer/", {"value": "yes", "revision": 0})
    client.force_login(manager)
    page = client.get("/accounts/audit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "yamada@portal.example (委託先担当者)" in text
    assert "ポータルで回答を保存" in text


def test_a_submission_is_announced_to_webhooks(portal, invited, assessment):
    from django.test import TestCase

    from core.events import event_emitted

    heard = []

    def listen(sender, event, key, payload, **kwargs):
        heard.append((event, payload["assessment"]))

    event_emitted.connect(listen)
    try:
        _answer_scope(assessment, invited[0])
        with TestCase.captureOnCommitCallbacks(execute=True):
            portal.post("/portal/submit/")
    finally:
        event_emitted.disconnect(listen)
    assert ("vendor.submitted", assessment.pk) in heard
