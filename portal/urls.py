from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("i/<str:token>/", views.landing, name="landing"),
    path("code/", views.code, name="code"),
    path("code/resend/", views.code_resend, name="code_resend"),
    path("language/", views.language, name="language"),
    path("logout/", views.logout, name="logout"),
    path("sections/<str:code>/", views.section, name="section"),
    path("items/<str:code>/answer/", views.answer, name="answer"),
    path("items/<str:code>/evidence/", views.evidence, name="evidence"),
    path("files/<int:pk>/", views.file, name="file"),
    path("submit/", views.submit, name="submit"),
    path("delegate/", views.delegate, name="delegate"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("questions/<int:pk>/reply/", views.reply, name="reply"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("workbook/", views.workbook, name="workbook"),
    path("workbook/import/", views.workbook_import, name="workbook_import"),
    path("workbook/confirm/", views.workbook_confirm, name="workbook_confirm"),
]
