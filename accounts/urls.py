from django.urls import path

from . import audit_views, twofactor, views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("users/", views.users, name="users"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit/access/", audit_views.audit_log, {"kind": "access"}, name="audit_access"),
    path("access-review/", audit_views.access_review, name="access_review"),
    path("two-factor/", twofactor.setup, name="otp_setup"),
    path("two-factor/verify/", twofactor.verify, name="otp_verify"),
    path("two-factor/disable/", twofactor.disable, name="otp_disable"),
]
