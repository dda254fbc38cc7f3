from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import password_reset
from accounts import views as account_views

from . import health, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
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
    path("assessments/", include("questionnaires.assessment_urls")),
    path("assessments/", include("questionnaires.urls")),
    path("findings/", include("questionnaires.finding_urls")),
    path("compare/", include("questionnaires.compare_urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "duediligence.errors.bad_request"
handler403 = "duediligence.errors.permission_denied"
handler404 = "duediligence.errors.page_not_found"
handler500 = "duediligence.errors.server_error"
