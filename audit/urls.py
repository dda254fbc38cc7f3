from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_log, name="changes"),
    path("audit/access/", views.audit_log, {"kind": "access"}, name="access"),
    path("vendors/<int:pk>/history/", views.vendor_history, name="vendor_history"),
    path("access-review/", views.access_review, name="access_review"),
]
