"""New assessments start on the default checklist: publishing a question set or an
imported checklist must not take them over."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from assessments.services import start_assessment
from questionnaires import checklists
from questionnaires.checklist_yaml import load_default_checklist
from questionnaires.models import Checklist
from vendors.models import Vendor


@pytest.fixture
def default(db):
    return checklists.install_default_checklist()


@pytest.fixture
def question_sets(default):
    call_command("load_checklist", bundled="all")  # published after the default
    return Checklist.objects.exclude(pk=default.checklist_id)


def test_the_shipped_checklist_installs_as_the_default(default):
    assert default.checklist.is_default
    assert checklists.default_checklist() == default.checklist


def test_a_newer_published_question_set_does_not_take_over(default, question_sets):
    assert question_sets.count() == 3
    assert checklists.current_version() == default


def test_a_newer_published_import_does_not_take_over(default):
    other = checklists.import_doc(load_default_checklist(), publish=True)
    assert other.checklist_id != default.checklist_id
    assert checklists.current_version() == default


def test_new_assessments_start_on_the_default_unless_another_is_chosen(
    default, question_sets, staff
):
    vendor = Vendor.objects.create(name="株式会社既定", owner=staff)
    assert start_assessment(vendor, user=staff).version == default
    ipa = question_sets.get(name_en__startswith="Quick security check")
    chosen = start_assessment(vendor, user=staff, checklist=ipa)
    assert chosen.version.checklist == ipa


def test_the_start_form_offers_published_checklists_with_the_default_first(
    default, question_sets, staff, client
):
    vendor = Vendor.objects.create(name="株式会社既定", owner=staff)
    client.force_login(staff)
    url = reverse("assessments:start", args=[vendor.pk])
    form = client.get(url).context["form"]
    options = list(form.fields["checklist"].queryset)
    assert options[0] == default.checklist and len(options) == 4
    ipa = question_sets.get(name_en__startswith="Quick security check")
    response = client.post(url, {"checklist": ipa.pk, "carry_over": "on"})
    assert response.status_code == 302
    assert vendor.assessments.get().version.checklist == ipa


def test_question_sets_installed_first_do_not_become_the_default(db):
    call_command("load_checklist", bundled="ipa_quick_check")
    version = checklists.install_default_checklist()
    assert version is not None and version.checklist.is_default
    assert checklists.current_version() == version


def test_only_one_checklist_can_be_the_default(default):
    with pytest.raises(IntegrityError):
        Checklist.objects.create(name_ja="二つ目", name_en="Second", is_default=True)


def test_an_admin_can_make_another_published_checklist_the_default(
    default, question_sets, admin_user, client
):
    ipa = question_sets.get(name_en__startswith="Quick security check")
    client.force_login(admin_user)
    response = client.post(reverse("questionnaires:checklist_make_default", args=[ipa.pk]))
    assert response.status_code == 302
    ipa.refresh_from_db()
    default.checklist.refresh_from_db()
    assert ipa.is_default and not default.checklist.is_default
    assert checklists.current_version().checklist == ipa


def test_a_checklist_without_a_published_version_cannot_become_the_default(
    default, admin_user, client
):
    draft_only = checklists.import_doc(load_default_checklist()).checklist
    client.force_login(admin_user)
    client.post(reverse("questionnaires:checklist_make_default", args=[draft_only.pk]))
    draft_only.refresh_from_db()
    assert not draft_only.is_default
    assert checklists.current_version() == default
