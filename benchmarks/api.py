"""REST API benchmark: the p50 of one answer write through the API (the vendor list at
100 and 100,000 vendors is in benchmarks/scale.py)."""

import statistics
import time


def _client(user, scope="read"):
    from django.test import Client

    from accounts.tokens import issue_token
    from api.throttling import PerTokenThrottle

    PerTokenThrottle.THROTTLE_RATES = {"api_token": "1000000/min"}  # measure, not throttle
    _token, raw = issue_token(user, name=f"bench {scope}", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


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
