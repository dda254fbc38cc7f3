"""Steps that cannot be undone ask first, without JavaScript too: a GET of the step's URL,
or a POST without confirmed=1, answers with a confirmation page and changes nothing; the
page's own form (confirmed=1) takes the step. The dialog path is in
tests/browser/test_confirmations.py."""

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from assessments import services
from assessments.models import Assessment
from portal import services as portal
from tests.factories import (
    CertificationFactory,
    ContractFactory,
    answer_everything,
    make_vendor,
    published_version,
    submit,
)
from vendors.models import Certification, Contact, Contract

S = Assessment.Status


def confirmation(response) -> bool:
    return response.status_code == 200 and b'data-testid="confirmation"' in response.content


@pytest.fixture
def vendor(staff):
    published_version()
    return make_vendor(staff, "株式会社確認")


@pytest.fixture
def in_review(vendor, staff, manager):
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_everything(assessment, staff)
    submit(assessment, staff)
    services.apply_action(assessment, "begin_review", user=manager)
    return assessment


# Deleting a certification or a contract


@pytest.mark.parametrize("kind", ["certifications", "contracts"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_deleting_a_vendor_part_asks_first_and_deletes_nothing(client, vendor, staff, kind, method):
    part = (CertificationFactory if kind == "certifications" else ContractFactory)(vendor=vendor)
    model = Certification if kind == "certifications" else Contract
    url = reverse("vendors:part_delete", args=[vendor.pk, kind, part.pk])
    client.force_login(staff)
    response = getattr(client, method)(url)
    assert confirmation(response)
    page = response.content.decode()
    assert 'name="confirmed" value="1"' in page
    assert f'action="{url}"' in page
    assert "株式会社確認" in page
    assert str(part.get_kind_display()) in page
    assert model.objects.filter(pk=part.pk).exists()

    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=part.pk).exists()


def test_the_delete_confirmation_is_in_english_too(client, vendor, staff):
    part = CertificationFactory(vendor=vendor)
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("vendors:part_delete", args=[vendor.pk, "certifications", part.pk]))
    assert b"Delete the certification" in page.content
    assert b"It cannot be undone." in page.content


# The confirmation page is reached by the same people as the step: matrix of role x vendor.
@pytest.mark.parametrize(
    ("who", "get_code", "post_code"),
    [
        ("staff", 200, 302),
        ("other_staff", 404, 404),
        ("manager", 403, 403),
        ("admin_user", 200, 302),
        ("anonymous", 302, 302),
    ],
)
def test_delete_confirmation_access(client, request, vendor, who, get_code, post_code):
    part = CertificationFactory(vendor=vendor)
    url = reverse("vendors:part_delete", args=[vendor.pk, "certifications", part.pk])
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == get_code
    assert Certification.objects.filter(pk=part.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == post_code
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert Certification.objects.filter(pk=part.pk).exists() == (
        post_code != 302 or who == "anonymous"
    )


def test_a_part_of_another_vendor_is_404_on_the_confirmation_page(client, vendor, staff):
    other = make_vendor(staff, "別会社")
    part = CertificationFactory(vendor=other)
    client.force_login(staff)
    url = reverse("vendors:part_delete", args=[vendor.pk, "certifications", part.pk])
    assert client.get(url).status_code == 404
    assert client.get(url.replace("certifications", "bogus")).status_code == 404


# Approving and returning


def action_url(assessment, name):
    return reverse("assessments:action", args=[assessment.pk, name])


@pytest.mark.parametrize("method", ["get", "post"])
def test_approving_asks_first_and_the_page_offers_the_conclusions(
    client, in_review, manager, method
):
    client.force_login(manager)
    response = getattr(client, method)(action_url(in_review, "approve"))
    assert response.status_code in (200, 422)
    page = response.content.decode()
    assert 'data-testid="confirmation"' in page
    for value in ("adopt", "conditional", "reject"):
        assert f'value="{value}"' in page
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_approving_with_conditions_through_the_confirmation_page(client, in_review, manager):
    client.force_login(manager)
    url = action_url(in_review, "approve")
    # Conditions missing: the page says so, keeps what was typed, approves nothing.
    response = client.post(
        url, {"confirmed": "1", "conclusion": "conditional", "comment": "概ね良好"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "概ね良好" in page
    assert "採用の条件を記入してください" in page
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW

    response = client.post(
        url,
        {
            "confirmed": "1",
            "conclusion": "conditional",
            "conditions": "3か月以内に再委託先の一覧を提出すること",
            "comment": "概ね良好",
        },
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.APPROVED
    assert in_review.conclusion == Assessment.Conclusion.ADOPT_WITH_CONDITIONS
    assert in_review.conditions == "3か月以内に再委託先の一覧を提出すること"
    detail = client.get(reverse("assessments:detail", args=[in_review.pk])).content.decode()
    assert "条件付きで採用可" in detail
    assert "3か月以内に再委託先の一覧を提出すること" in detail


def test_an_approval_without_a_conclusion_is_refused(client, in_review, manager):
    client.force_login(manager)
    response = client.post(action_url(in_review, "approve"), {"confirmed": "1"})
    assert response.status_code == 422
    assert "結論を選んでください" in response.content.decode()
    response = client.post(action_url(in_review, "approve"), {"confirmed": "1", "conclusion": "x"})
    assert response.status_code == 422
    in_review.refresh_from_db()
    assert (in_review.status, in_review.conclusion) == (S.IN_REVIEW, "")


def test_conditions_are_dropped_unless_adopting_with_conditions(client, in_review, manager):
    client.force_login(manager)
    client.post(
        action_url(in_review, "approve"),
        {"confirmed": "1", "conclusion": "reject", "conditions": "書いたが不要"},
    )
    in_review.refresh_from_db()
    assert (in_review.status, in_review.conclusion, in_review.conditions) == (
        S.APPROVED,
        "reject",
        "",
    )


def test_returning_asks_first_and_carries_the_comment(client, in_review, manager):
    client.force_login(manager)
    url = action_url(in_review, "return")
    response = client.post(url, {"comment": "CON-02の証跡を添付してください"})
    assert confirmation(response)
    assert "CON-02の証跡を添付してください" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    response = client.post(url, {"comment": "CON-02の証跡を添付してください", "confirmed": "1"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.IN_PROGRESS


@pytest.mark.parametrize(
    ("who", "code"),
    [("staff", 403), ("other_staff", 404), ("manager", 200), ("admin_user", 403)],
)
@pytest.mark.parametrize("name", ["approve", "return"])
def test_workflow_confirmation_access(client, request, in_review, who, code, name):
    client.force_login(request.getfixturevalue(who))
    assert client.get(action_url(in_review, name)).status_code == code


def test_steps_that_do_not_ask_stay_post_only(client, in_review, manager):
    client.force_login(manager)
    assert client.get(action_url(in_review, "begin_review")).status_code == 405
    assert client.get(action_url(in_review, "submit")).status_code == 405
    client.logout()
    assert client.get(action_url(in_review, "submit")).status_code == 405


def test_a_confirmation_page_of_a_step_not_possible_now_says_why(client, vendor, staff, manager):
    draft = services.start_assessment(vendor, user=staff, reviewer=manager)
    client.force_login(manager)
    response = client.get(action_url(draft, "approve"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessments:detail", args=[draft.pk])
    assert "承認" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


# Revoking an invitation or an API token


def test_revoking_an_invitation_asks_first(client, vendor, staff, manager):
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    contact = Contact.objects.create(vendor=vendor, name="招待 花子", email="hanako@vendor.example")
    invitation, _token = portal.invite(assessment, user=staff, contact=contact, sections=["CON"])
    url = reverse("invitations:action", args=[invitation.pk, "revoke"])
    client.force_login(staff)
    for response in (client.get(url), client.post(url)):
        assert confirmation(response)
        assert "招待 花子" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # Asking again for a revoked link says so rather than asking.
    response = client.get(url, follow=True)
    assert not confirmation(response)
    # The other invitation steps stay POST only.
    assert client.get(url.replace("revoke", "extend")).status_code == 405


@pytest.mark.parametrize(("who", "code"), [("other_staff", 404), ("manager", 403)])
def test_invitation_revoke_confirmation_access(client, request, vendor, staff, manager, who, code):
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    contact = Contact.objects.create(vendor=vendor, name="招待 花子", email="hanako@vendor.example")
    invitation, _token = portal.invite(assessment, user=staff, contact=contact)
    client.force_login(request.getfixturevalue(who))
    url = reverse("invitations:action", args=[invitation.pk, "revoke"])
    assert client.get(url).status_code == code
    assert client.post(url, {"confirmed": "1"}).status_code == code
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoking_an_api_token_asks_first(client, staff, other_staff):
    token, _secret = issue_token(staff, name="会計システム", scope="read")
    url = reverse("accounts:api_token_revoke", args=[token.pk])
    client.force_login(other_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    client.force_login(staff)
    response = client.post(url)
    assert confirmation(response)
    assert "会計システム" in response.content.decode()
    token.refresh_from_db()
    assert token.is_usable
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    token.refresh_from_db()
    assert not token.is_usable
