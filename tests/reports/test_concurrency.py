"""Simultaneous report requests on PostgreSQL: one report, however many arrive at once.

SQLite serialises writers and hides the race; PostgreSQL runs the requests side by
side, each thread here with its own connection, through the real view."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reports.models import Report
from tests.conftest import need

REQUESTS = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_make_one_report(assessment, manager, test_queue):
    if connection.vendor != "postgresql":
        need("simultaneous requests need PostgreSQL (DATABASE_URL)")
    url = reverse("reports:request", args=[assessment.pk])
    clients = []
    for _ in range(REQUESTS):
        client = Client()
        client.force_login(manager)
        clients.append(client)
    start = threading.Barrier(REQUESTS)
    statuses, errors = [], []

    def ask(client):
        try:
            start.wait(timeout=30)
            statuses.append(client.post(url, {"language": "ja"}).status_code)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=ask, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert statuses == [302] * REQUESTS
    assert Report.objects.filter(assessment=assessment, language="ja").count() == 1
