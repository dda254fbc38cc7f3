from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import views as account_views
from dashboard import views as dashboard_views

from . import health

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("vendors/", include("vendors.urls")),
    path("accounts/", include("audit.urls")),
    # The checklist moved from /assessments/checklist/ to /checklist/: old links and
    # bookmarks follow permanently, query string included.
    re_path(
        r"^assessments/checklist/(?P<rest>.*)$",
        RedirectView.as_view(url="/checklist/%(rest)s", permanent=True, query_string=True),
    ),
    path("checklist/", include("questionnaires.urls")),
    path("", include("assessments.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "duediligence.errors.bad_request"
handler403 = "duediligence.errors.permission_denied"
handler404 = "duediligence.errors.page_not_found"
handler500 = "duediligence.errors.server_error"
