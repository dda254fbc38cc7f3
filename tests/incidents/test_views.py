"""The incident pages: access by role × own/other vendor, what the page says, query
counts, and bad input."""

import pytest
from django.urls import reverse

from incidents.models import Incident, IncidentStep
from tests.factories import make_incident, pdf_upload
from vendors.models import Vendor


@pytest.fixture
def others_incident(other_staff):
    vendor = Vendor.objects.create(name="デイブの委託先", owner=other_staff)
    return make_incident(vendor, other_staff, sensitive_data=True, people_affected=1)


READ = {"staff": 200, "other_staff": 404, "manager": 200, "admin_user": 200}
WRITE = {"staff": 200, "other_staff": 404, "manager": 403, "admin_user": 200}


@pytest.mark.parametrize("who", list(READ))
def test_the_incident_page_follows_the_vendor_rules(client, request, incident, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == READ[who]
    edit = client.get(reverse("incidents:edit", args=[incident.pk]))
    assert edit.status_code == WRITE[who]
    create = client.get(reverse("incidents:create", args=[incident.vendor_id]))
    assert create.status_code == WRITE[who]


@pytest.mark.parametrize("who", list(READ))
def test_the_list_shows_only_visible_incidents(client, request, incident, others_incident, who):
    client.force_login(request.getfixturevalue(who))
    body = client.get(reverse("incidents:index")).content.decode()
    assert (f'data-incident="{incident.pk}"' in body) is (READ[who] == 200)
    assert (f'data-incident="{others_incident.pk}"' in body) is (who != "staff")


def test_staff_record_an_incident_and_the_page_explains_it(client, staff, vendor):
    client.force_login(staff)
    response = client.post(
        reverse("incidents:create", args=[vendor.pk]),
        {
            "title": "USBメモリの紛失",
            "description": "委託先の従業員がUSBメモリを紛失した。",
            "aware_at": "2026-08-31T23:30",
            "people_affected": "1001",
        },
    )
    incident = Incident.objects.get(vendor=vendor)
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    page = client.get(incident.get_absolute_url()).content.decode()
    assert 'data-reportable="yes"' in page
    assert "1,001" in page and "第7条第4号" in page
    assert "委託元" in page  # who reports
    assert 'data-deadline="final_report"' in page and "2026年9月29日" in page
    assert "我々の判断" in page or "当社の判断" in page  # "promptly" is our judgement


def test_bad_input_keeps_what_was_typed_and_says_why(client, staff, vendor):
    client.force_login(staff)
    response = client.post(
        reverse("incidents:create", args=[vendor.pk]),
        {
            "title": "紛失",
            "description": "説明",
            "aware_at": "not a date",
            "people_affected": "-3",
        },
    )
    assert response.status_code == 200
    assert "紛失" in response.content.decode()
    assert not Incident.objects.exists()


def test_steps_with_files_and_closing(client, staff, incident, media):
    client.force_login(staff)
    url = reverse("incidents:step", args=[incident.pk])
    client.post(url, {"kind": "root_cause", "note": "設定不備", "file": pdf_upload("原因.pdf")})
    step = incident.steps.get(kind=IncidentStep.Kind.ROOT_CAUSE)
    stored = step.files.get()
    download = client.get(reverse("incidents:file", args=[incident.pk, stored.pk]))
    assert download.status_code == 200
    client.post(reverse("incidents:close", args=[incident.pk]))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN  # no cause or prevention yet
    assert client.post(url, {"kind": "closed"}).status_code == 302  # refused with a message
    assert client.post(url, {"kind": "nonsense"}).status_code == 302
    assert not incident.steps.filter(kind="closed").exists()


def test_a_file_of_another_incident_is_a_404(client, staff, incident, others_incident, media):
    from incidents import services

    step = services.add_step(
        others_incident, kind="note", user=others_incident.reported_by, files=[pdf_upload()]
    )
    client.force_login(staff)
    url = reverse("incidents:file", args=[incident.pk, step.files.get().pk])
    assert client.get(url).status_code == 404


def test_the_vendor_page_shows_incidents_and_the_raised_risk(client, staff, incident):
    vendor = incident.vendor
    vendor.current_rating, vendor.current_residual_risk = "B", "low"
    vendor.save()
    client.force_login(staff)
    page = client.get(vendor.get_absolute_url()).content.decode()
    assert incident.title in page
    assert 'data-raised-risk="medium"' in page and "data-open-reportable" in page


def test_the_detail_and_list_pages_have_a_fixed_number_of_queries(
    client, staff, incident, django_assert_max_num_queries, media
):
    from incidents import services

    for n in range(5):
        services.add_step(incident, kind="note", note=f"{n}", user=staff, files=[pdf_upload()])
        services.update_incident(incident, user=staff, people_affected=1_300 + n)
        make_incident(incident.vendor, staff, people_affected=n)
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        assert client.get(incident.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("incidents:index")).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("staff", 403), ("manager", 403), ("admin_user", 200)])
def test_only_admins_set_the_targets(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("incidents:policy")).status_code == status
