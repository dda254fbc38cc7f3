from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import password_reset, sso
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
    path("password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
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
    path("incidents/", include("incidents.urls")),
    path("reports/", include("reports.urls")),
    path("portal/", include("portal.urls")),
    path("", include("portal.staff_urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
    # Single sign-on: /oidc/authenticate/ starts it, /oidc/callback/ comes back.
    path(
        "oidc/authenticate/", sso.OrganisationLoginView.as_view(), name="oidc_authentication_init"
    ),
    path(
        "oidc/callback/",
        sso.OrganisationCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
]

if settings.LOAD_TEST_BARE_VIEW:
    # `make load`'s yardstick: what the server, middleware and a view cost at the least.
    urlpatterns.append(path("load/bare/", health.bare, name="load_bare"))

handler400 = "duediligence.errors.bad_request"
handler403 = "duediligence.errors.permission_denied"
handler404 = "duediligence.errors.page_not_found"
handler500 = "duediligence.errors.server_error"
