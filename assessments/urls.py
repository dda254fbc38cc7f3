from django.urls import path

from . import views, workbook_views

app_name = "assessments"
urlpatterns = [
    path("assessments/", views.index, name="index"),
    path("assessments/start/<int:vendor_pk>/", views.start, name="start"),
    path("assessments/<int:pk>/", views.detail, name="detail"),
    path("assessments/<int:pk>/sections/<str:code>/", views.section, name="section"),
    path("assessments/<int:pk>/items/<str:code>/answer/", views.answer, name="answer"),
    path("assessments/<int:pk>/items/<str:code>/evidence/", views.evidence, name="evidence"),
    path("assessments/<int:pk>/evidence/<int:file_pk>/", views.evidence_file, name="evidence_file"),
    path("assessments/<int:pk>/action/<str:name>/", views.action, name="action"),
    path("assessments/<int:pk>/workbook/", workbook_views.workbook_download, name="workbook"),
    path(
        "assessments/<int:pk>/workbook/import/",
        workbook_views.workbook_import,
        name="workbook_import",
    ),
    path(
        "assessments/<int:pk>/workbook/confirm/",
        workbook_views.workbook_confirm,
        name="workbook_confirm",
    ),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("compare/", views.compare, name="compare"),
]
