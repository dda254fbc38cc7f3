from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from . import views
from .authentication import ApiTokenAuthentication

router = SimpleRouter()
router.register("vendors", views.VendorViewSet, basename="vendor")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("reports", views.ReportViewSet, basename="report")
router.register("checklist-versions", views.ChecklistVersionViewSet, basename="checklist-version")


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, for signed-in people and for tokens."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


urlpatterns = [
    path(
        "api/v1/",
        include(([path("me/", views.MeView.as_view(), name="me"), *router.urls], "api")),
    ),
    path("api/schema/", SchemaView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles from its script: allowed on this page only.
        csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="api_schema"))
        ),
        name="api_docs",
    ),
]
