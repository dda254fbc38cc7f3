"""Property-based run of the whole API from its own OpenAPI document (schemathesis),
with a real write token of the assigned staff: no 5xx, and every response matches
the document (status, content type, headers, body). Bounded to fit CI: a few
examples per operation, derandomized so a failure reproduces."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttling import PerTokenThrottle
from duediligence.wsgi import application

EXAMPLES = 12


def _document() -> dict:
    """The same document /api/schema/ serves (drf-spectacular), made without a request."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


schema = schemathesis.openapi.from_dict(_document())
schema.app = application


@pytest.fixture
def wsgi_keeps_connection():
    """schemathesis calls the WSGI application itself, not Django's test client: keep
    the test's database connection (and its transaction) open between requests, as the
    test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_served_document_is_the_one_tested(api_world, client):
    from .conftest import Api

    served = Api(api_world["tokens"][("assigned", "read")]).get("/api/schema/?format=json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == _document()["paths"].keys()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_own_schema(case, api_world, monkeypatch, wsgi_keeps_connection):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api_token": "100000/min"})
    raw = api_world["tokens"][("assigned", "write")]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {raw}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
