"""Bad input never gives a 500: property-based fuzzing of every form, escaping of
script typed into text fields, and CSRF on every POST."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.models import Assessment
from questionnaires.checklists import install_default_checklist
from vendors.models import Vendor

FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Arbitrary Unicode (surrogates cannot travel in a request), NUL bytes, very long strings,
# and values of the wrong type as text.
nasty_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    # Very long strings, built by repetition so that they cost little entropy.
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8).map(
        lambda s: s * (6000 // len(s))
    ),
    st.sampled_from(
        ["\x00", "a\x00b", "-1", "1e309", "NaN", "[]", "{}", "💣" * 300, "' OR 1=1 --"]
    ),
)
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _assert_no_raw_script(html: str):
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社ファズ", owner=staff)


@pytest.fixture
def assessment(vendor, staff, manager):
    install_default_checklist()
    return services.start_assessment(vendor, user=staff, reviewer=manager)


@FUZZ
@given(name=nasty_text, kana=nasty_text, number=nasty_text, website=nasty_text, notes=nasty_text)
def test_vendor_form_never_fails(client, staff, name, kana, number, website, notes):
    client.force_login(staff)
    before = Vendor.objects.count()
    data = {
        "name": name,
        "name_kana": kana,
        "corporate_number": number,
        "website": website,
        "notes": notes,
        "record_volume": "none",
        "category_codes": ["phone"],
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "20",
        "contacts-0-name": name,
        "contacts-0-email": website,
        "contacts-0-phone": number,
    }
    response = client.post(reverse("vendors:create"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors or response.context["contacts"].errors
        assert Vendor.objects.count() == before
        # What the user typed is still in the form.
        assert response.context["form"].data["notes"] == notes
    else:
        assert Vendor.objects.count() == before + 1


@FUZZ
@given(kind=nasty_text, number=nasty_text, body=nasty_text, until=nasty_text)
def test_certification_form_never_fails(client, staff, vendor, kind, number, body, until):
    client.force_login(staff)
    response = client.post(
        reverse("vendors:certification_create", args=[vendor.pk]),
        {
            "kind": kind,
            "registration_number": number,
            "certification_body": body,
            "valid_until": until,
            "valid_from": until,
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert response.context["form"].data["certification_body"] == body


@FUZZ
@given(value=nasty_text, comment=nasty_text, revision=nasty_text)
def test_answer_form_never_fails(client, staff, assessment, value, comment, revision):
    client.force_login(staff)
    for code in ("CON-01", "INC-01", "POL-04", "OPE-04", "POL-03", "INC-08"):
        response = client.post(
            reverse("assessments:answer", args=[assessment.pk, code]),
            {"value": value, "comment": comment, "revision": revision},
        )
        assert response.status_code in (200, 302, 422), code
        if response.status_code == 422:
            html = response.content.decode()
            assert 'role="alert"' in html


@FUZZ
@given(text=nasty_text)
def test_checklist_import_never_fails(client, admin_user, text):
    install_default_checklist()
    client.force_login(admin_user)
    url = reverse("questionnaires:checklist_import")
    response = client.post(url, {"text": text})
    assert response.status_code in (200, 302)


@FUZZ
@given(q=nasty_text, page=nasty_text, sort=nasty_text)
def test_list_filters_never_fail(client, manager, q, page, sort):
    client.force_login(manager)
    for name in (
        "vendors:index",
        "assessments:index",
        "assessments:findings",
        "assessments:compare",
    ):
        response = client.get(reverse(name), {"q": q, "page": page, "sort": sort, "v": q})
        assert response.status_code == 200, name


def test_script_typed_anywhere_comes_out_escaped(client, staff, manager, assessment):
    vendor = assessment.vendor
    vendor.name = SCRIPT
    vendor.notes = SCRIPT
    vendor.save()
    client.force_login(staff)
    client.post(
        reverse("assessments:answer", args=[assessment.pk, "INC-08"]),
        {"value": SCRIPT, "comment": SCRIPT, "revision": "0"},
    )
    client.post(
        reverse("vendors:certification_create", args=[vendor.pk]),
        {"kind": "pmark", "registration_number": SCRIPT, "valid_until": "2030-01-01"},
    )
    pages = [
        reverse("vendors:index"),
        reverse("vendors:detail", args=[vendor.pk]),
        reverse("assessments:index"),
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:section", args=[assessment.pk, "INC"]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        _assert_no_raw_script(html)
        assert "&lt;script&gt;" in html, url
    client.force_login(manager)
    for url in [reverse("dashboard"), reverse("audit:changes")]:
        _assert_no_raw_script(client.get(url).content.decode())
    compare = client.get(reverse("assessments:compare"), {"v": [vendor.pk], "q": SCRIPT})
    _assert_no_raw_script(compare.content.decode())


def _post_urls(assessment):
    vendor = assessment.vendor
    return [
        reverse("vendors:create"),
        reverse("vendors:edit", args=[vendor.pk]),
        reverse("vendors:status", args=[vendor.pk]),
        reverse("vendors:archive", args=[vendor.pk]),
        reverse("vendors:certification_create", args=[vendor.pk]),
        reverse("vendors:contract_create", args=[vendor.pk]),
        reverse("assessments:start", args=[vendor.pk]),
        reverse("assessments:answer", args=[assessment.pk, "CON-01"]),
        reverse("assessments:action", args=[assessment.pk, "submit"]),
        reverse("set_language"),
        reverse("logout"),
        reverse("password_change"),
    ]


def test_every_post_without_a_csrf_token_is_refused(staff, assessment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    # The scope answers the intake filled in at the start are the only ones there.
    prefilled = set(assessment.answers.values_list("pk", "updated_at"))
    assert all(assessment.answers.values_list("from_intake", flat=True))
    for url in _post_urls(assessment):
        response = client.post(url, {"status": "under_review", "value": "yes"})
        assert response.status_code == 403, url
    assert set(assessment.answers.values_list("pk", "updated_at")) == prefilled
    assert Assessment.objects.count() == 1
    assert Vendor.objects.get(pk=assessment.vendor.pk).status == Vendor.Status.CANDIDATE


def test_htmx_posts_carry_the_csrf_token(client, staff, assessment):
    client.force_login(staff)
    html = client.get(reverse("assessments:section", args=[assessment.pk, "CON"])).content.decode()
    forms = re.findall(r"<form[^>]*hx-post[^>]*>.*?</form>", html, flags=re.S)
    assert forms and all("csrfmiddlewaretoken" in form for form in forms)
