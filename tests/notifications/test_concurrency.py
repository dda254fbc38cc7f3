"""Two send_reminders at once on PostgreSQL (two beats, or a beat and a person at the
command line) send each message once."""

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connection, connections

from notifications import services
from notifications.models import Delivery

from ..conftest import need
from .conftest import certificate

TODAY = date(2026, 4, 1)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_message_once(smtp, staff, other_staff, manager):
    if connection.vendor != "postgresql":
        need("DATABASE_URL does not name PostgreSQL")
    from vendors.models import Vendor

    for n in range(20):
        vendor = Vendor.objects.create(
            name=f"株式会社並行{n:02d}", owner=staff if n % 2 else other_staff
        )
        certificate(vendor, 30 if n % 3 else 5, today=TODAY)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            services.run_reminders(TODAY)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Delivery.objects.filter(channel="immediate", kind__startswith="cert").count() == 20
    received = [rcpts[0] for rcpts, _m in smtp.messages if rcpts[0] != manager.email]
    assert len(received) == 20
    assert sorted(set(received)) == sorted({staff.email, other_staff.email})
    assert Delivery.objects.exclude(status="sent").count() == 0
    # The managers' digest and the access review went out once each too.
    assert len(smtp.to(manager.email)) == 2
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
