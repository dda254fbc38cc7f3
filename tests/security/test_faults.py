"""Faults: the broker down, and the data surviving a dump and restore."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment
from duediligence.celery import app as celery_app
from questionnaires.checklists import install_default_checklist
from questionnaires.models import Item
from vendors.models import Certification, Vendor

PAGES = [
    "dashboard",
    "vendors:index",
    "assessments:index",
    "assessments:findings",
    "assessments:compare",
    "reports:index",
    "audit:changes",
    "accounts:profile",
]


@pytest.fixture
def broker_down(settings):
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    celery_app.conf.broker_url = settings.CELERY_BROKER_URL


def test_pages_work_and_health_names_the_broker_when_it_is_down(client, manager, broker_down):
    client.force_login(manager)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    assert health.json()["broker"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_dumpdata_and_loaddata_round_trip_the_data(staff, manager, tmp_path):
    install_default_checklist()
    vendor = Vendor.objects.create(
        name="株式会社バックアップ", name_kana="バックアップ", owner=staff
    )
    Certification.objects.create(vendor=vendor, kind="pmark", valid_until="2030-03-31")
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    item = Item.objects.get(version=assessment.version, code="INC-01")
    services.save_answer(assessment, item, value=24, comment="24時間以内に報告", user=staff)

    buffer = io.StringIO()
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=admin.logentry",
        stdout=buffer,
    )
    dump = buffer.getvalue()
    names = [o["fields"].get("name") for o in json.loads(dump) if o["model"] == "vendors.vendor"]
    assert names == ["株式会社バックアップ"]

    call_command("flush", interactive=False, verbosity=0)
    assert not Vendor.objects.exists()
    fixture = tmp_path / "dd-roundtrip.json"
    fixture.write_text(dump, encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)
    restored = Vendor.objects.get(name="株式会社バックアップ")
    assert restored.owner.username == "charlie"
    assert restored.certifications.get().kind == "pmark"
    answer = Answer.objects.get(assessment__vendor=restored, item__code="INC-01")
    assert (answer.value, answer.comment) == (24, "24時間以内に報告")
    assert Assessment.objects.get(vendor=restored).version.items.count() == 95
