"""Webhooks against a real HTTP receiver on this machine: signed deliveries, retries
by a real Celery worker until recorded as failed, re-sending, refusal of private
addresses and of redirects, and one delivery per event."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint


class Receiver:
    """A real HTTP server answering with the codes given, recording what came."""

    def __init__(self, codes=(200,)):
        self.codes = list(codes)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/dd"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def endpoint_for(url, events=("assessment.submitted",), allow_private=True):
    endpoint = WebhookEndpoint(
        name="チケット管理", url=url, events=list(events), allow_private_network=allow_private
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def verify(secret, headers, body) -> bool:
    timestamp = headers["X-DD-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-DD-Signature"], "sha256=" + expected.hexdigest())


def test_a_delivery_reaches_the_receiver_signed_and_is_logged(db):
    with Receiver() as receiver:
        endpoint = endpoint_for(receiver.url)
        [delivery] = webhooks.record_event(
            "assessment.submitted", key="a:1:submit", payload={"assessment": 1, "vendor": 2}
        )
        assert webhooks.deliver(delivery.pk) == ("delivered", None)
    [(path, headers, body)] = receiver.requests
    assert path == "/hooks/dd"
    assert verify(endpoint.secret, headers, body)
    assert not verify("another secret", headers, body)
    assert abs(int(headers["X-DD-Timestamp"]) - time.time()) < 60
    document = json.loads(body)
    assert document["event"] == "assessment.submitted"
    assert document["data"] == {"assessment": 1, "vendor": 2}
    assert headers["X-DD-Event"] == "assessment.submitted"
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.response_code == 200
    assert delivery.attempts == 1 and delivery.duration_ms is not None
    assert delivery.log[-1]["code"] == 200


def test_an_event_is_delivered_once_per_endpoint(db):
    with Receiver() as receiver:
        endpoint_for(receiver.url)
        assert len(webhooks.record_event("assessment.submitted", key="k", payload={})) == 1
        assert webhooks.record_event("assessment.submitted", key="k", payload={}) == []
        assert webhooks.record_event("report.ready", key="other", payload={}) == []  # not asked for
    assert WebhookDelivery.objects.count() == 1


def test_private_and_loopback_addresses_are_refused_unless_allowed(db):
    for url in (
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValidationError) as refused:
            endpoint_for(url, allow_private=False)
        assert "url" in refused.value.message_dict, url
    endpoint_for("http://127.0.0.1:8000/x", allow_private=True)  # explicitly allowed


def test_the_address_is_checked_again_before_each_attempt(db, settings):
    """An endpoint whose address became private (or was stored past the form) is not
    contacted: the refusal is recorded on the delivery."""
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver() as receiver:
        endpoint = endpoint_for(receiver.url)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(allow_private_network=False)
        [delivery] = webhooks.record_event("assessment.submitted", key="p", payload={})
        assert webhooks.deliver(delivery.pk) == ("failed", None)
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "127.0.0.1" in delivery.error


def test_redirects_are_not_followed(db, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver(codes=(302,)) as receiver:
        endpoint_for(receiver.url)
        [delivery] = webhooks.record_event("assessment.submitted", key="r", payload={})
        webhooks.deliver(delivery.pk)
    assert [path for path, _h, _b in receiver.requests] == ["/hooks/dd"]
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.response_code == 302


def test_submitting_through_the_api_announces_the_event(
    api_world, api, django_capture_on_commit_callbacks, monkeypatch
):
    from assessments.models import Assessment
    from tests.reports.conftest import answer_items

    queued = []
    monkeypatch.setattr(webhooks, "enqueue", lambda delivery, countdown=0: queued.append(delivery))
    endpoint = endpoint_for("http://127.0.0.1:9/", events=["assessment.submitted"])
    assessment = api_world["assessment"]
    assessment.answers.all().delete()
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.DRAFT)
    answer_items(assessment, api_world["users"]["assigned"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api("assigned").post(f"/api/v1/assessments/{assessment.pk}/actions/submit/")
    assert response.status_code == 200
    [delivery] = queued
    assert delivery.endpoint == endpoint
    assert delivery.event.payload["assessment"] == assessment.pk
    assert delivery.event.payload["status"] == "submitted"


def test_an_overdue_finding_is_announced_once(api_world):
    finding = api_world["finding"]
    finding.due_date = timezone.localdate() - timedelta(days=1)
    finding.save()
    endpoint_for("http://127.0.0.1:9/", events=["finding.overdue"])
    assert webhooks.announce_overdue_findings() == 1
    assert webhooks.announce_overdue_findings() == 0
    assert WebhookDelivery.objects.get().event.payload["finding"] == finding.pk


@pytest.fixture
def webhook_queue(redis_url, monkeypatch):
    import uuid

    import redis

    name = f"webhooks-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(webhooks, "ENQUEUE_OPTIONS", {"queue": name})
    yield name
    client = redis.Redis.from_url(redis_url)
    client.delete(name)
    client.close()


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_retried_by_the_worker_then_recorded_and_can_be_resent(
    webhook_queue, settings
):
    from django.contrib.auth.models import Group  # noqa: F401 - roles exist after flush

    from tests.reports.test_workers import worker_thread

    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_BACKOFF_SECONDS = 0
    with Receiver(codes=(500, 503, 500, 200)) as receiver, worker_thread(webhook_queue):
        endpoint_for(receiver.url, events=["report.ready"])
        [delivery] = webhooks.record_event("report.ready", key="report:1:ready", payload={})
        assert wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "failed"), (
            WebhookDelivery.objects.get(pk=delivery.pk).log
        )
        delivery.refresh_from_db()
        assert delivery.attempts == 3 and delivery.response_code == 500
        assert [entry["code"] for entry in delivery.log] == [500, 503, 500]
        assert len(receiver.requests) == 3
        # The administrator sends it again, and now the receiver takes it.
        assert webhooks.resend(delivery)
        assert wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered")
    delivery.refresh_from_db()
    assert delivery.response_code == 200 and delivery.log[-1]["code"] == 200
    assert len({headers["X-DD-Delivery"] for _p, headers, _b in receiver.requests}) == 1
