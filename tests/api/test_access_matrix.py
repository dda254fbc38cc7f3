"""Every API endpoint × role × token scope against an explicit table, and a test that
fails when an endpoint is added without an entry.

Roles: procurement staff assigned to the vendor, staff not assigned, manager, admin.
The objects are charlie's (the assigned staff's)."""

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from .conftest import ROLES


def read(assigned=200, other=404, manager=200, admin=200):
    return {"assigned": assigned, "other": other, "manager": manager, "admin": admin}


def everyone(code):
    return dict.fromkeys(ROLES, code)


# (url name, kwargs, method, body, {role: status with a write token})
W = lambda w: w  # noqa: E731
TABLE = [
    ("api:me", lambda w: {}, "get", None, everyone(200)),
    ("api:vendor-list", lambda w: {}, "get", None, everyone(200)),
    (
        "api:vendor-list",
        lambda w: {},
        "post",
        {"name": "株式会社新規", "categories": ["phone"]},
        read(201, 201, 403, 201),
    ),
    ("api:vendor-detail", lambda w: {"pk": w["vendor"].pk}, "get", None, read()),
    (
        "api:vendor-detail",
        lambda w: {"pk": w["vendor"].pk},
        "patch",
        {"engagement": "顧客窓口 2027"},
        read(200, 404, 403, 200),
    ),
    (
        "api:vendor-certifications",
        lambda w: {"pk": w["vendor"].pk},
        "post",
        {"kind": "iso27001", "valid_until": "2028-03-31"},
        read(201, 404, 403, 201),
    ),
    (
        "api:vendor-contracts",
        lambda w: {"pk": w["vendor"].pk},
        "post",
        {"kind": "nda", "title": "NDA 2026"},
        read(201, 404, 403, 201),
    ),
    ("api:assessment-list", lambda w: {}, "get", None, everyone(200)),
    (
        "api:assessment-list",
        lambda w: {},
        "post",
        lambda w: {"vendor": w["vendor"].pk},
        read(201, 404, 403, 403),
    ),
    ("api:assessment-detail", lambda w: {"pk": w["assessment"].pk}, "get", None, read()),
    ("api:assessment-answers", lambda w: {"pk": w["assessment"].pk}, "get", None, read()),
    (
        "api:assessment-answer",
        lambda w: {"pk": w["assessment"].pk, "code": "CON-01"},
        "put",
        {"value": "yes", "revision": 1},
        read(200, 404, 403, 403),
    ),
    (
        "api:assessment-workflow-action",
        lambda w: {"pk": w["assessment"].pk, "name": "submit"},
        "post",
        {},
        # Staff may submit, but not with unanswered items: refused with the reason.
        read(409, 404, 403, 403),
    ),
    ("api:finding-list", lambda w: {}, "get", None, everyone(200)),
    ("api:finding-detail", lambda w: {"pk": w["finding"].pk}, "get", None, read()),
    (
        "api:finding-detail",
        lambda w: {"pk": w["finding"].pk},
        "patch",
        {"remediation_plan": "契約を見直す"},
        read(200, 404, 200, 403),
    ),
    ("api:report-list", lambda w: {}, "get", None, everyone(200)),
    (
        "api:report-list",
        lambda w: {},
        "post",
        lambda w: {"assessment": w["assessment"].pk, "language": "en"},
        read(201, 404, 201, 201),
    ),
    ("api:report-detail", lambda w: {"pk": w["report"].pk}, "get", None, read()),
    ("api:report-download", lambda w: {"pk": w["report"].pk}, "get", None, read()),
    ("api:checklist-version-list", lambda w: {}, "get", None, everyone(200)),
    (
        "api:checklist-version-detail",
        lambda w: {"pk": w["published"].pk},
        "get",
        None,
        everyone(200),
    ),
    (
        "api:checklist-version-export",
        lambda w: {"pk": w["published"].pk},
        "get",
        None,
        read(403, 403, 403, 200),
    ),
]


def api_url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace == "api":
                yield f"api:{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def test_every_api_endpoint_has_an_entry():
    assert {name for name, *_rest in TABLE} == api_url_names()


def _body(body, world):
    return body(world) if callable(body) else body


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_scope_matches_the_table(api_world, api, role):
    mismatches = []
    for name, kwargs, method, body, codes in TABLE:
        url = reverse(name, kwargs=kwargs(api_world))
        for scope in ("read", "write"):
            expected = codes[role]
            if scope == "read" and method != "get":
                expected = 403  # a read-only token changes nothing, wherever it points
            with transaction.atomic():
                response = getattr(api(role, scope), method)(url, _body(body, api_world))
                transaction.set_rollback(True)
            if response.status_code != expected:
                mismatches.append(
                    f"{method.upper()} {name} as {role}/{scope}: "
                    f"{response.status_code} != {expected}"
                )
    assert mismatches == [], "\n".join(mismatches)


def test_without_a_token_every_endpoint_says_401(api_world):
    from .conftest import Api

    for name, kwargs, method, body, _codes in TABLE:
        url = reverse(name, kwargs=kwargs(api_world))
        response = getattr(Api(), method)(url, _body(body, api_world))
        assert response.status_code == 401, (name, method)
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_lists_hold_only_what_the_owner_may_see(api_world, api):
    mine = api("assigned").get("/api/v1/vendors/").json()
    assert [v["id"] for v in mine["results"]] == [api_world["vendor"].pk]
    theirs = api("other").get("/api/v1/vendors/").json()
    assert [v["id"] for v in theirs["results"]] == [api_world["others"].pk]
    assert api("other").get("/api/v1/findings/").json()["count"] == 0
    assert api("other").get("/api/v1/reports/").json()["count"] == 0
    assert api("manager").get("/api/v1/vendors/").json()["count"] == 2


def test_a_filter_on_an_invisible_vendor_finds_nothing_and_tells_nothing(api_world, api):
    response = api("other").get("/api/v1/assessments/", {"vendor": api_world["vendor"].pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    missing = api("other").get("/api/v1/assessments/", {"vendor": 999999})
    assert missing.status_code == 200 and missing.json()["count"] == 0


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_draft_checklist_version_is_only_for_checklist_editors(api_world, api, scope):
    from questionnaires.checklists import new_draft_from

    draft = new_draft_from(api_world["published"], user=api_world["users"]["admin"])
    assert api("assigned", scope).get(f"/api/v1/checklist-versions/{draft.pk}/").status_code == 404
    assert api("admin", scope).get(f"/api/v1/checklist-versions/{draft.pk}/").status_code == 200
