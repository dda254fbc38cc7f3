"""REST API benchmarks: the vendor list at 100 and 10,000 vendors (through a token, as
an integration would call it), and the p50 of one answer write through the service."""

import statistics
import time


def _client(user, scope="read"):
    from django.test import Client

    from accounts.tokens import issue_token
    from api.throttling import PerTokenThrottle

    PerTokenThrottle.THROTTLE_RATES = {"api_token": "1000000/min"}  # measure, not throttle
    _token, raw = issue_token(user, name=f"bench {scope}", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api_vendor_list(users) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.__main__ import add_vendors, p50_ms
    from vendors.models import Vendor

    client = _client(users["manager"])
    url = "/api/v1/vendors/"
    results = {}
    for size in (100, 10_000):
        add_vendors(users, size)
        results[size] = p50_ms(client, url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"api_vendor_list_queries: {len(queries)}")
    for size in results:
        print(f"api_vendor_list_p50_ms_{size}: {results[size][0]:.2f}")
    print(f"api_vendor_list_p50_ratio_10000_vs_100: {results[10_000][0] / results[100][0]:.2f}")
    print(f"api_vendor_list_cpu_p50_ratio_10000_vs_100: {results[10_000][1] / results[100][1]:.2f}")
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        Vendor.objects.filter(assessments__isnull=True).delete()


def api_answer_write(users, n: int = 60) -> None:
    from assessments.services import start_assessment
    from questionnaires.checklists import current_version, install_default_checklist
    from vendors.models import Vendor

    if current_version() is None:
        install_default_checklist()
    staff = users["staff1"]
    vendor = Vendor.objects.create(name="ベンチマーク回答", owner=staff)
    assessment = start_assessment(vendor, user=staff)
    client = _client(staff, scope="write")
    url = f"/api/v1/assessments/{assessment.pk}/answers/CON-01/"
    revision, timings = None, []
    for i in range(n + 5):
        body = {"value": "yes" if i % 2 else "no", "comment": f"回答 {i}", "revision": revision}
        start = time.perf_counter()
        response = client.put(url, body, content_type="application/json")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.content
        revision = response.json()["revision"]
        if i >= 5:  # warm-up
            timings.append(elapsed)
    print(f"api_answer_write_p50_ms: {statistics.median(timings):.2f}")
